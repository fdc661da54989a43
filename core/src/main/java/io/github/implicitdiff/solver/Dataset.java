package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The data of a stochastic solver: one or more tensors with the same number n of rows (their first dimension),
 * a minibatch being the same rows of each ({@link #rows}). The data are constants (not differentiated); what the
 * solution should be differentiated in goes in θ.
 *
 * <pre>{@code
 * Dataset data = Dataset.of(X, y);          // X (n, d), y (n,)
 * Tensor[] batch = data.rows(new int[] {4, 0, 7});
 * }</pre>
 */
public final class Dataset {
  private final Tensor[] columns;

  private Dataset(Tensor[] columns) {
    this.columns = columns;
  }

  /**
   * A dataset of the given tensors, all with n ≥ 1 rows.
   *
   * @throws IllegalArgumentException when there is no tensor, one is null, or is being differentiated
   * @throws ShapeException when a tensor is a scalar or the numbers of rows differ
   * @throws NonFiniteException when a tensor holds a NaN or an infinity (naming the tensor and the row)
   */
  public static Dataset of(Tensor... columns) {
    if (columns == null || columns.length == 0) throw new IllegalArgumentException("Dataset: give at least one data tensor");
    Tensor[] copy = columns.clone();
    for (int i = 0; i < copy.length; i++) {
      Tensor c = copy[i];
      if (c == null) throw new IllegalArgumentException("Dataset: data tensor " + i + " is null");
      if (c.isTraced())
        throw new IllegalArgumentException("Dataset: data tensor " + i + " is being differentiated; the data are constants,"
            + " pass what you differentiate in as θ to run(init, θ...)");
      if (c.ndim() == 0) throw new ShapeException("Dataset: data tensor " + i + " is a scalar; each tensor needs rows");
      if (c.dim(0) != copy[0].dim(0))
        throw new ShapeException("Dataset: data tensor " + i + " has " + c.dim(0) + " rows but tensor 0 has " + copy[0].dim(0));
      if (c.dim(0) == 0) throw new ShapeException("Dataset: the data have no rows");
      requireFiniteRows(i, c);
    }
    return new Dataset(copy);
  }

  private static void requireFiniteRows(int index, Tensor c) {
    double[] v = c.toDoubleArray();
    int perRow = v.length / c.dim(0);
    for (int k = 0; k < v.length; k++)
      if (!Double.isFinite(v[k]))
        throw new NonFiniteException("Dataset: data tensor " + index + " holds " + v[k] + " in row " + k / perRow
            + "; remove or impute the row (the solvers need finite data)");
  }

  /** The number of rows n. */
  public int n() {
    return columns[0].dim(0);
  }

  /** The number of data tensors. */
  public int size() {
    return columns.length;
  }

  /** The given rows of every tensor, in order. */
  public Tensor[] rows(int[] indices) {
    Tensor[] r = new Tensor[columns.length];
    for (int i = 0; i < r.length; i++) r[i] = columns[i].take(indices, 0);
    return r;
  }

  /** All the data tensors (the full batch). */
  public Tensor[] all() {
    return columns.clone();
  }
}
