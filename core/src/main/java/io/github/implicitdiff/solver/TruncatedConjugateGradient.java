package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Conjugate gradient on H d = b written in tensor operations (so that unrolled differentiation goes
 * through it), truncated for Newton steps: stops at ‖r‖ ≤ relTol‖b‖, after maxIterations, or at a
 * direction of non-positive curvature pᵀHp ≤ 0, returning the iterate so far (b itself — the steepest
 * descent direction when b = −∇f — if that happens at the first iteration).
 */
final class TruncatedConjugateGradient {
  private TruncatedConjugateGradient() {}

  static Tensor solve(UnaryOperator<Tensor> H, Tensor b, double relTol, int maxIterations) {
    double bNorm = b.norm2();
    Tensor x = Tensor.zerosLike(b), r = b, p = b;
    Tensor rr = r.square().sum();
    for (int i = 0; i < maxIterations; i++) {
      Tensor Hp = H.apply(p);
      Tensor curvature = p.mul(Hp).sum();
      if (!(curvature.item() > 0)) return i == 0 ? b : x;
      Tensor alpha = rr.div(curvature);
      x = x.add(p.mul(alpha));
      r = r.sub(Hp.mul(alpha));
      Tensor rrNext = r.square().sum();
      if (Math.sqrt(rrNext.item()) <= relTol * bNorm) return x;
      p = r.add(p.mul(rrNext.div(rr)));
      rr = rrNext;
    }
    return x;
  }
}
