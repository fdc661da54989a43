package io.github.implicitdiff.perturbation;

import static io.github.implicitdiff.perturbation.GumbelSoftmaxTest.assertWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.examples.Fd;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reference (2): the Gaussian-perturbed max over two choices, F_ε(θ) = E[max(θ₁ + εZ₁, θ₂ + εZ₂)], in closed form.
 * With δ = θ₁ − θ₂ and s = ε√2 (the standard deviation of θ₁ − θ₂ + ε(Z₁ − Z₂)), E[max(a, b)] = b + E[(a − b)₊]
 * gives F_ε = θ₂ + δΦ(δ/s) + sφ(δ/s), ∇F_ε = y_ε = (Φ(δ/s), 1 − Φ(δ/s)) and ∇²F_ε = φ(δ/s)/s · [[1, −1], [−1, 1]].
 *
 * <p>Tolerances from M: max(θ + εZ) is ε-Lipschitz in Z, so (Gaussian Poincaré) its variance is at most ε² and the
 * mean's standard deviation ε/√M; ŷ's entries are means of indicators (0.5/√M); a Hessian-vector product entry is
 * a mean of 1[y* = i]⟨Z, v⟩/ε, standard deviation at most ‖v‖/(ε√M). All within 5 standard deviations (M = 40000,
 * ε = 0.5: 0.0125, 0.0125 and 0.05‖v‖, against Hessian entries of 0.4–0.56).
 */
class GaussianTwoChoiceTest {
  private static final int M = 40000;
  private static final double EPS = 0.5;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void valueGradientAndHessianMatchTheClosedForm(long seed) {
    Random rng = new Random(seed);
    Tensor theta = Tensor.randn(rng, 2).mul(0.3), v = Tensor.randn(rng, 2);
    double d = theta.get(0) - theta.get(1), s = EPS * Math.sqrt(2), phiCdf = BlackBoxes.normalCdf(d / s);
    double value = theta.get(1) + d * phiCdf + s * BlackBoxes.normalPdf(d / s), curv = BlackBoxes.normalPdf(d / s) / s;
    Tensor grad = Tensor.of(phiCdf, 1 - phiCdf), hess = Tensor.of(new double[][] {{curv, -curv}, {-curv, curv}});
    for (boolean cv : new boolean[] {false, true}) {
      Perturbation p = Perturbation.of(Noise.GAUSSIAN, EPS).withSamples(M).withSeed(seed).withControlVariate(cv);
      TensorFunction F = Perturbed.max(BlackBoxes.ONE_HOT, p);
      assertWithin("F_ε", F.apply(theta), Tensor.scalar(value), 5 * EPS / Math.sqrt(M));
      assertWithin("∇F_ε", AD.grad(F, theta), grad, 5 * 0.5 / Math.sqrt(M));
      assertWithin("y_ε = ∇F_ε", Perturbed.argmax(BlackBoxes.ONE_HOT, p).apply(theta), grad, 5 * 0.5 / Math.sqrt(M));
      double hTol = 5 * v.norm2() / (EPS * Math.sqrt(M));
      assertWithin("∇²F_ε v, forward over reverse (cv " + cv + ")", AD.hvp(F, theta, v), hess.matmul(v), hTol);
      assertWithin("∇²F_ε v, reverse over forward (cv " + cv + ")",
          AD.grad(t -> AD.jvp(F, t, v).outTangent(), theta), hess.matmul(v), hTol);
      assertWithin("∇²F_ε (cv " + cv + ")", AD.hessian(F, theta), hess, 5 / (EPS * Math.sqrt(M)));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void gradientIsTheExactDerivativeOfTheMonteCarloValue(long seed) {
    // on fixed draws F̂(θ) = (1/M) Σ max_i (θ + εZ_m)_i is piecewise linear with slope ŷ(θ): central differences with
    // a step below the distance to the next kink reproduce the gradient to rounding
    Random rng = new Random(seed);
    Tensor theta = Tensor.randn(rng, 3);
    for (Noise noise : Noise.values()) {
      TensorFunction F = Perturbed.max(BlackBoxes.ONE_HOT, Perturbation.of(noise, 0.7).withSamples(500).withSeed(seed));
      Tensor g = AD.grad(F, theta), fd = Fd.gradient(F, theta, 1e-9);
      assertWithin(noise + ": ∇F̂ against central differences of F̂", g, fd, 1e-5);
      assertEquals(1.0, g.sum().item(), 1e-12, noise + ": y_ε is a mean of one-hot vectors");
    }
  }
}
