package io.github.implicitdiff.perturbation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reference (1): Gumbel-perturbed argmax over the one-hot simplex vertices is softmax(θ/ε) in expectation (the
 * Gumbel-max trick), so y_ε must match p = softmax(θ/ε), its Jacobian (diag(p) − ppᵀ)/ε, and F_ε's
 * Hessian-vector products the same matrix, none of which uses the estimator.
 *
 * <p>Tolerances from the sample count M: an entry of ŷ is a mean of indicators, standard deviation at most
 * 0.5/√M; an entry of the Jacobian estimate is a mean of 1[y* = i](1 − e^{−Z_j})/ε, and e^{−Z} ~ Exp(1) for a
 * standard Gumbel Z, so its standard deviation is at most √E[(1 − e^{−Z})²]/(ε√M) = 1/(ε√M). Each entry must be
 * within 5 standard deviations (M = 20000, ε = 0.5: 0.018 for y, 0.071 for J); the Jacobian's entries are up to
 * 0.5, so a wrong sign (an error of 2|J_ij|), a missing 1/ε (an error of |J_ij|) fails. The softmax Jacobian is
 * symmetric: transposition is checked by the linear black box in {@link PerturbedFunTest} and by the mode
 * agreement in {@link PerturbedConsistencyTest}.
 */
class GumbelSoftmaxTest {
  private static final int M = 20000;
  private static final double EPS = 0.5;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void perturbedArgmaxIsSoftmaxWithItsJacobian(long seed) {
    Random rng = new Random(seed);
    Tensor theta = Tensor.randn(rng, 4).mul(0.4);
    for (boolean cv : new boolean[] {false, true}) {
      Perturbation p = Perturbation.of(Noise.GUMBEL, EPS).withSamples(M).withSeed(seed).withControlVariate(cv);
      TensorFunction y = Perturbed.argmax(BlackBoxes.ONE_HOT, p);
      Tensor prob = theta.div(EPS).softmax(0);
      Tensor jRef = diag(prob).sub(prob.outer(prob)).div(EPS);
      assertWithin("y_ε (cv " + cv + ")", y.apply(theta), prob, 5 * 0.5 / Math.sqrt(M));
      double jTol = 5 / (EPS * Math.sqrt(M));
      assertWithin("forward Jacobian (cv " + cv + ")", AD.jacobian(y, theta, AD.Mode.FORWARD), jRef, jTol);
      assertWithin("reverse Jacobian (cv " + cv + ")", AD.jacobian(y, theta, AD.Mode.REVERSE), jRef, jTol);
      // F_ε = E max_i (θ_i + εZ_i) = ε logsumexp(θ/ε) + εγ; its Hessian is the same matrix, through y_ε's rules
      Tensor v = Tensor.randn(rng, 4);
      assertWithin("F_ε Hessian-vector product (cv " + cv + ")", AD.hvp(Perturbed.max(BlackBoxes.ONE_HOT, p), theta, v),
          jRef.matmul(v), jTol * v.norm1().item());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5})
  void perturbedMaxIsTheScaledLogSumExp(long seed) {
    Tensor theta = Tensor.randn(new Random(seed), 5);
    Perturbation p = Perturbation.of(Noise.GUMBEL, EPS).withSamples(M).withSeed(seed);
    double ref = EPS * theta.div(EPS).logsumexp().item() + EPS * 0.5772156649015329;
    // max_i(θ_i + εZ_i) is Gumbel with scale ε: standard deviation επ/√6 per sample
    double tol = 5 * EPS * Math.PI / Math.sqrt(6 * M);
    assertWithin("F_ε", Perturbed.max(BlackBoxes.ONE_HOT, p).apply(theta), Tensor.scalar(ref), tol);
  }

  static Tensor diag(Tensor v) {
    return Tensor.eye(v.size()).mul(v);
  }

  /** max |a − b| ≤ tol elementwise, with the worst entry in the message. */
  static void assertWithin(String what, Tensor a, Tensor b, double tol) {
    double err = a.reshape(-1).sub(b.reshape(-1)).maxAbs();
    assertTrue(err <= tol, what + ": max error " + err + " above the Monte-Carlo tolerance " + tol + "\n got " + a + "\n want " + b);
  }
}
