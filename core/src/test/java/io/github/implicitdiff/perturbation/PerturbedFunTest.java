package io.github.implicitdiff.perturbation;

import static io.github.implicitdiff.perturbation.GumbelSoftmaxTest.assertWithin;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Perturbed#fun} on black boxes whose Gaussian expectation is known in closed form: a non-symmetric linear
 * map (catches a transposed Jacobian, which the symmetric softmax Jacobian cannot) and a product u₀u₁ whose
 * Hessian checks the second-order rule obtained by nesting.
 */
class PerturbedFunTest {
  private static final int M = 40000;

  /**
   * f(u) = Au: E[f(θ + εZ)] = Aθ and the Jacobian is A. With the control variate the estimate of A_ij is a mean of
   * (AZ)_i Z_j, whose variance is ‖A_i‖² + A_ij² ≤ 2‖A_i‖²; without it (Aθ)_i Z_j/ε adds (Aθ)_i²/ε². Each entry
   * within 5 standard deviations.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void linearBlackBoxHasItsMatrixAsJacobian(long seed) {
    Random rng = new Random(seed);
    Tensor A = Tensor.randn(rng, 4, 4), theta = Tensor.randn(rng, 4);
    double eps = 0.5;
    for (boolean cv : new boolean[] {false, true}) {
      TensorFunction f = Perturbed.fun(u -> A.matmul(u),
          Perturbation.of(Noise.GAUSSIAN, eps).withSamples(M).withSeed(seed).withControlVariate(cv));
      Tensor rowNorms = A.square().sum(1).sqrt(), atheta = A.matmul(theta);
      double worst = 0;
      for (int i = 0; i < 4; i++) {
        double var = 2 * Math.pow(rowNorms.get(i), 2) + (cv ? 0 : Math.pow(atheta.get(i) / eps, 2));
        worst = Math.max(worst, var);
      }
      double tol = 5 * Math.sqrt(worst / M);
      assertWithin("forward Jacobian (cv " + cv + ")", AD.jacobian(f, theta, AD.Mode.FORWARD), A, tol);
      assertWithin("reverse Jacobian (cv " + cv + ")", AD.jacobian(f, theta, AD.Mode.REVERSE), A, tol);
      assertWithin("value", f.apply(theta), atheta, 5 * eps * rowNorms.max().item() / Math.sqrt(M));
    }
  }

  /**
   * f(u) = u₀u₁: E[f(θ + εZ)] = θ₀θ₁, Hessian [[0, 1], [1, 0]]. The nested estimate is the mean of
   * (f(θ + εZ) − f(θ))(ZZᵀ − I)/ε²; expanding f(θ + εZ) − f(θ) = ε(θ₀Z₁ + θ₁Z₀) + ε²Z₀Z₁ with Gaussian moments
   * bounds every entry's variance by 10(θ₀² + θ₁²)/ε² + 10. Within 5 standard deviations (M = 40000, ε = 0.5,
   * |θ| ≤ 0.8: at most 0.15, against entries 1 and 0: a missing 1/ε or a wrong sign fails).
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void productHasItsHessianByNestedRules(long seed) {
    Random rng = new Random(seed);
    Tensor theta = Tensor.uniform(rng, -0.8, 0.8, 2);
    double eps = 0.5;
    TensorFunction f = Perturbed.fun(u -> Tensor.scalar(u.get(0) * u.get(1)),
        Perturbation.of(Noise.GAUSSIAN, eps).withSamples(M).withSeed(seed).withControlVariate(true));
    double var = 10 * (Math.pow(theta.get(0), 2) + Math.pow(theta.get(1), 2)) / (eps * eps) + 10;
    double tol = 5 * Math.sqrt(var / M);
    Tensor ref = Tensor.of(new double[][] {{0, 1}, {1, 0}});
    assertWithin("Hessian, forward over reverse", AD.hessian(f, theta), ref, tol);
    assertWithin("Hessian, reverse over reverse", AD.jacobian(t -> AD.grad(f, t), theta, AD.Mode.REVERSE), ref, tol);
    assertWithin("Hessian, reverse over forward",
        AD.jacobian(t -> AD.jvp(f, t, Tensor.of(1, 0)).outTangent(), theta, AD.Mode.REVERSE), ref.row(0), tol);
  }
}
