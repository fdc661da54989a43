package io.github.implicitdiff.loss;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Sparsemax along the last axis: the Euclidean projection of each row onto the probability simplex,
 * sparsemax(z) = argmin_{p ≥ 0, Σp = 1} ‖p − z‖², by the sorting algorithm (Martins and Astudillo 2016,
 * Algorithm 1).
 *
 * <p>Package-private on purpose: the projection package has its own {@code Projections.simplex}; this
 * copy exists only so that {@link Losses#multiclassSparsemax} does not depend on another branch. The
 * two should be de-duplicated once both are merged.
 *
 * <p>How it differentiates: the support S = {j : z_j > τ} is found on concrete values (sorting, a
 * cumulative sum, comparisons); then τ = (Σ_{j∈S} z_j − 1)/|S| and p = [z − τ]_S are tensor operations,
 * so the Jacobian is the exact almost-everywhere one, (I − 1 1ᵀ/|S|) on S and 0 elsewhere, to any order.
 */
final class Sparsemax {
  private Sparsemax() {}

  static Tensor sparsemax(Tensor z) {
    int axis = z.ndim() - 1;
    int k = z.dim(axis);
    int[] keepShape = z.shape();
    keepShape[axis] = 1;
    Tensor zc = z.concrete();
    Tensor sorted = zc.neg().sort(axis).neg(); // descending: z_(1) ≥ z_(2) ≥ …
    Tensor cumulative = sorted.cumsum(axis);
    Tensor r = Tensor.arange(1, k + 1, 1);
    // k(z) = max{r : 1 + r z_(r) > Σ_{s ≤ r} z_(s)}; the condition holds exactly for r ≤ k(z).
    Tensor inSupport = r.mul(sorted).add(1).gt(cumulative);
    double[] counts = inSupport.sum(new int[] {axis}, true).toDoubleArray();
    int[] last = new int[counts.length];
    for (int i = 0; i < last.length; i++) last[i] = (int) counts[i] - 1;
    // No tie can straddle position k(z), so S = {j : z_j ≥ z_(k(z))}.
    Tensor smallestInSupport = sorted.takeAlongAxis(last, keepShape, axis);
    Tensor support = zc.ge(smallestInSupport);
    Tensor size = support.sum(new int[] {axis}, true);
    Tensor tau = z.mul(support).sum(new int[] {axis}, true).sub(1).div(size);
    return Tensor.where(support, z.sub(tau), Tensor.zerosLike(zc));
  }
}
