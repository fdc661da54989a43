package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The denominator √(v + ε_root) + ε of the adaptive rules ({@link AdamRule}, {@link RmsPropRule},
 * {@link AdaGradRule}), whose step is u = n / (√(v + ε_root) + ε) with n the numerator (m̂, or g) and v ≥ 0 an average
 * of squared gradients.
 *
 * <p>With ε_root = 0 (optax's and PyTorch's default) d√v/dv = ∞ at v = 0, which unrolled differentiation would turn
 * into an infinite or NaN derivative (∞·0 = NaN in the chain v = (1 − β)g²), as in JAX. v_j = 0 happens when
 * coordinate j has had only zero gradients, and then n_j = 0 too: u_j(t) = n_j(t) / (√v_j(t) + ε) has the
 * derivative n_j'/ε whatever √v_j does, since n_j = 0 and √v_j is continuous. So at such coordinates the root is
 * taken with a zero derivative (the same value, 0), which gives the exact derivative of u. When v_j = 0 but
 * n_j ≠ 0 (g_j² underflowed, or a decay of 0 forgot the earlier gradients) u_j has a kink (√v_j = c|g_j|) and no
 * derivative: a traced step there throws, naming the coordinate and the remedy (ε_root &gt; 0). Values are never
 * changed: the untraced computation is the plain √v + ε.
 */
final class AdaptiveDenominator {
  private AdaptiveDenominator() {}

  static Tensor of(String rule, Tensor v, Tensor numerator, double epsRoot, double eps, int step) {
    Tensor inner = epsRoot == 0 ? v : v.add(epsRoot);
    if (!inner.isTraced()) return inner.sqrt().add(eps);
    double[] values = inner.concrete().toDoubleArray();
    boolean zero = false;
    for (double value : values) zero |= value == 0;
    if (!zero) return inner.sqrt().add(eps);
    double[] n = numerator.concrete().toDoubleArray();
    for (int j = 0; j < values.length; j++)
      if (values[j] == 0 && n[j] != 0)
        throw new NonFiniteException(rule + ": at step " + step + " coordinate " + j + " of the squared-gradient average is"
            + " exactly 0 while the numerator is " + n[j] + " (the squared gradient underflowed, or a decay of 0 forgot the"
            + " earlier gradients): the step n/(√v + ε) has no derivative there and unrolled differentiation would give an"
            + " infinite or NaN derivative; set ε_root > 0 inside the square root (AdamRule.withEpsRoot(1e-16), optax's"
            + " eps_root), or differentiate implicitly (the default)");
    // √v with derivative 0 where v = 0: the inner where keeps the root's derivative finite, the outer one drops it
    Tensor positive = inner.concrete().gt(0);
    Tensor root = Tensor.where(positive, Tensor.where(positive, inner, Tensor.scalar(1)).sqrt(), Tensor.scalar(0));
    return root.add(eps);
  }
}
