package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;
import java.util.function.Function;

/** The JVP of a map given only its VJP rule, by transposing the (linear) rule. */
final class LinearTranspose {
  private LinearTranspose() {}

  /**
   * J t = ∇_g Σ_i ⟨vjp(g)_i, t_i⟩ at g = 0, for a rule g ↦ (gᵀJ_i)_i linear in g; a null tangent t_i or a null
   * cotangent counts as zero. The rule is differentiated in g, so it must be written in tensor operations.
   *
   * @param outputLike a tensor of the output's shape (the point g = 0)
   */
  static Tensor jvpFromVjp(Function<Tensor, Tensor[]> vjp, Tensor[] t, Tensor outputLike) {
    return AD.grad(g -> {
      Tensor[] c = vjp.apply(g);
      Tensor s = g.sum().mul(0.0);
      for (int i = 0; i < c.length; i++) {
        if (t[i] == null || c[i] == null) continue;
        s = s.add(c[i].mul(t[i]).sum());
      }
      return s;
    }, Tensor.zerosLike(outputLike));
  }
}
