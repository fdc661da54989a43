package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Input checks and output ordering shared by the symmetric eigensolvers ({@link SymmetricEigen},
 * {@link JacobiEigen}); package-private.
 */
final class SymmetricInput {
  private SymmetricInput() {}

  /**
   * The concrete values of the square, finite matrix {@code A}, row-major, with the upper triangle mirrored into the
   * lower one (only the upper triangle is read).
   */
  static double[] upperMirrored(String op, Tensor A) {
    if (A.ndim() != 2 || A.dim(0) != A.dim(1))
      throw new IllegalArgumentException(op + ": A must be a square matrix, got shape " + A.shapeString());
    A.concrete().requireFinite(op + ": A must be finite (NaN or infinity found)");
    double[] a = A.concrete().toDoubleArray();
    mirrorUpper(a, A.dim(0));
    return a;
  }

  /** As {@link #upperMirrored(String, Tensor)} for a {@code double[][]} (not modified). */
  static double[] upperMirrored(String op, double[][] s) {
    int n = s.length;
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      if (s[i].length != n)
        throw new IllegalArgumentException(op + ": the matrix must be square: row " + i + " has " + s[i].length
            + " entries, " + n + " rows");
      for (int j = 0; j < n; j++)
        if (!Double.isFinite(s[i][j]))
          throw new NonFiniteException(op + ": the matrix must be finite: entry (" + i + ", " + j + ") is " + s[i][j]);
      System.arraycopy(s[i], 0, a, i * n, n);
    }
    mirrorUpper(a, n);
    return a;
  }

  private static void mirrorUpper(double[] a, int n) {
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
  }

  /**
   * {values, vectors}: the eigenvalues sorted ascending (a vector) and, in the same order, the eigenvectors given as
   * the rows of {@code rows} (n×n row-major), emitted as the columns of an n×n tensor.
   */
  static Tensor[] ascending(double[] values, double[] rows, int n) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (p, q) -> Double.compare(values[p], values[q]));
    double[] sorted = new double[n], columns = new double[n * n];
    for (int j = 0; j < n; j++) {
      int k = order[j];
      sorted[j] = values[k];
      for (int i = 0; i < n; i++) columns[i * n + j] = rows[k * n + i];
    }
    return new Tensor[] {Tensor.of(sorted), Tensor.fromArray(columns, n, n)};
  }
}
