package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Isotonic regression argmin_{y_1 ≤ … ≤ y_n} ½‖y − x‖² by pool-adjacent-violators (PAV).
 *
 * <p>PAV runs on concrete values and returns the blocks: maximal runs of coordinates sharing one value.
 * The solution is then rebuilt with tensor operations as block means, y_i = (Σ_{j ∈ B(i)} x_j)/|B(i)|,
 * using block sums from a cumulative sum, so its Jacobian is block averaging (symmetric, idempotent),
 * exact wherever the block structure is locally constant. Two adjacent blocks with equal means (a tie)
 * are a degenerate point; PAV merges them (it pools whenever the order is not strictly increasing).
 */
final class IsotonicRegression {
  private IsotonicRegression() {}

  static Tensor project(String op, Tensor x, Monotonicity order) {
    if (order == null) throw new IllegalArgumentException(op + ": order is null");
    Arguments.vector(op, "x", x);
    Arguments.finite(op, "x", x);
    if (order == Monotonicity.NON_INCREASING) return increasing(x.neg()).neg();
    return increasing(x);
  }

  private static Tensor increasing(Tensor x) {
    int n = x.size();
    if (n == 0) return x;
    int[] ends = blockEnds(x.toDoubleArray());
    int blocks = ends.length;
    // block sums: S_b = C[end_b] − C[start_b] with C = [0, cumsum(x)]
    Tensor C = Tensor.concat(0, Tensor.zeros(1), x.cumsum(0));
    int[] endIdx = new int[blocks], startIdx = new int[blocks];
    double[] sizes = new double[blocks];
    int[] blockOf = new int[n];
    for (int b = 0, start = 0; b < blocks; b++) {
      startIdx[b] = start;
      endIdx[b] = ends[b];
      sizes[b] = ends[b] - start;
      for (int i = start; i < ends[b]; i++) blockOf[i] = b;
      start = ends[b];
    }
    Tensor means = C.take(endIdx, 0).sub(C.take(startIdx, 0)).div(Tensor.of(sizes));
    return means.take(blockOf, 0);
  }

  /** Exclusive end index of each PAV block. */
  private static int[] blockEnds(double[] x) {
    int n = x.length;
    double[] sum = new double[n];
    int[] count = new int[n], end = new int[n];
    int top = 0; // stack of blocks
    for (int i = 0; i < n; i++) {
      sum[top] = x[i];
      count[top] = 1;
      end[top] = i + 1;
      top++;
      // pool while the previous block's mean is ≥ the last block's mean (bounded: each pool pops one block)
      while (top > 1 && sum[top - 2] * count[top - 1] >= sum[top - 1] * count[top - 2]) {
        sum[top - 2] += sum[top - 1];
        count[top - 2] += count[top - 1];
        end[top - 2] = end[top - 1];
        top--;
      }
    }
    return java.util.Arrays.copyOf(end, top);
  }
}
