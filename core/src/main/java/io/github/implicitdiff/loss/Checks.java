package io.github.implicitdiff.loss;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Shapes;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/** Input validation shared by {@link Losses} and {@link Objectives}; every method throws or returns. */
final class Checks {
  private Checks() {}

  /** Throws unless the argument is present. */
  static void present(String op, String name, Object value) {
    if (value == null) throw new IllegalArgumentException(op + ": " + name + " is null");
  }

  static void rank(String op, String name, Tensor t, int ndim) {
    present(op, name, t);
    if (t.ndim() != ndim)
      throw new ShapeException(op + ": " + name + " must have " + ndim + " dimension(s), got shape " + t.shapeString());
  }

  /** Integer labels: one per row of a (n, k) score matrix, each in [0, k). */
  static void labels(String op, int[] labels, int n, int k) {
    present(op, "labels", labels);
    if (labels.length != n)
      throw new ShapeException(op + ": " + labels.length + " labels for " + n + " samples; pass one label per row");
    for (int i = 0; i < n; i++)
      if (labels[i] < 0 || labels[i] >= k)
        throw new IllegalArgumentException(op + ": label " + labels[i] + " at position " + i + " is out of range [0, "
            + k + ") for " + k + " classes");
  }

  /** Binary labels: a vector of length n with values in [0, 1] (0/1 or soft labels). */
  static void binaryLabels(String op, Tensor y, int n) {
    present(op, "labels y", y);
    if (y.ndim() != 1 || y.dim(0) != n)
      throw new ShapeException(op + ": labels y " + y.shapeString() + " must be a vector of length " + n
          + " (one label per sample)");
    double[] v = y.toDoubleArray();
    for (int i = 0; i < v.length; i++)
      if (!(v[i] >= 0 && v[i] <= 1))
        throw new IllegalArgumentException(op + ": label " + v[i] + " at position " + i
            + " is out of range; binary labels must lie in [0, 1] (use 0/1, not −1/+1)");
  }

  /** Label distributions: a (n, k) matrix whose rows are non-negative and sum to 1 (one-hot or soft). */
  static void distributions(String op, Tensor Y, int n, int k) {
    present(op, "label matrix Y", Y);
    if (Y.ndim() != 2 || Y.dim(0) != n || Y.dim(1) != k)
      throw new ShapeException(op + ": label matrix Y " + Y.shapeString() + " must have shape [" + n + ", " + k + "]");
    double[] v = Y.toDoubleArray();
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < k; j++) {
        double y = v[i * k + j];
        if (!(y >= 0))
          throw new IllegalArgumentException(op + ": Y[" + i + ", " + j + "] = " + y + " is negative or NaN;"
              + " rows of Y must be one-hot or probability vectors");
        s += y;
      }
      if (Math.abs(s - 1) > 1e-9)
        throw new IllegalArgumentException(op + ": row " + i + " of Y sums to " + s
            + "; rows must be one-hot or probability vectors");
    }
  }

  /** Data matrix X (n, d) and the leading dimension of the parameters (d or d×k). */
  static void design(String op, Tensor X, Tensor w) {
    rank(op, "X", X, 2);
    present(op, "weights", w);
    if (X.dim(0) == 0)
      throw new ShapeException(op + ": X " + X.shapeString() + " has no rows; the mean loss over zero samples is undefined");
    if (w.ndim() < 1 || w.ndim() > 2 || w.dim(0) != X.dim(1))
      throw new ShapeException(op + ": weights " + w.shapeString() + " do not match X " + X.shapeString()
          + "; weights need shape [" + X.dim(1) + "] or [" + X.dim(1) + ", k]");
  }

  /** Targets y with the shape of the predictions X·w. */
  static void targets(String op, Tensor X, Tensor w, Tensor y) {
    present(op, "targets y", y);
    int[] expected = w.ndim() == 1 ? new int[] {X.dim(0)} : new int[] {X.dim(0), w.dim(1)};
    if (!Arrays.equals(expected, y.shape()))
      throw new ShapeException(op + ": targets y " + y.shapeString() + " do not match the predictions X·w "
          + Shapes.str(expected) + " (X " + X.shapeString() + ", w " + w.shapeString() + ")");
  }

  /** A hyperparameter whose every value must be finite and ≥ 0 (or > 0 when {@code strict}). */
  static void nonNegative(String op, String name, Tensor t, boolean strict) {
    present(op, name, t);
    double[] v = t.toDoubleArray();
    for (int i = 0; i < v.length; i++)
      if (!Double.isFinite(v[i]) || v[i] < 0 || (strict && v[i] == 0))
        throw new IllegalArgumentException(op + ": " + name + " = " + v[i] + (v.length > 1 ? " at index " + i : "")
            + " must be finite and " + (strict ? "> 0" : "≥ 0"));
  }

  /**
   * Returns an objective's value after an O(1) check: when it is not finite, the first input holding NaN or
   * ±∞ is named (one scan of the inputs, on this path only), so that NaN data never turn silently into a NaN
   * objective and gradient. A non-finite value from finite inputs (overflow) is returned as it is.
   *
   * @param names the inputs' names, comma-separated, in the order of {@code inputs}
   */
  static Tensor finiteOrNamed(String op, Tensor value, String names, Tensor... inputs) {
    if (value.allFinite()) return value;
    String[] name = names.split(", ");
    for (int i = 0; i < inputs.length; i++)
      inputs[i].requireFinite(op + ": " + name[i] + " must be finite (NaN or infinity found)");
    return value;
  }
}
