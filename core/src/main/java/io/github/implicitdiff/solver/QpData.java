package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The concrete data of a QP min ½xᵀQx + cᵀx s.t. Ax = b, Gx ≤ h, validated: Q (n×n), c (n), A (p×n),
 * b (p), G (m×n), h (m); Q is used through its symmetric part (Q + Qᵀ)/2. Plain arrays for the dense
 * direct and interior-point computations.
 */
final class QpData {
  final int n, p, m;
  final double[][] Q, A, G;
  final double[] c, b, h;
  /** 1 + the largest absolute data entry: tolerances are relative to it. */
  final double scale;

  private QpData(double[][] Q, double[] c, double[][] A, double[] b, double[][] G, double[] h) {
    this.n = c.length;
    this.p = b.length;
    this.m = h.length;
    this.Q = Q;
    this.c = c;
    this.A = A;
    this.b = b;
    this.G = G;
    this.h = h;
    double s = 0;
    for (double[] row : Q) s = Math.max(s, maxAbs(row));
    for (double[] row : A) s = Math.max(s, maxAbs(row));
    for (double[] row : G) s = Math.max(s, maxAbs(row));
    this.scale = 1 + Math.max(s, Math.max(maxAbs(c), Math.max(maxAbs(b), maxAbs(h))));
  }

  /** Data from arrays (Q already symmetric), for internal problems such as phase I. */
  static QpData ofArrays(double[][] Q, double[] c, double[][] A, double[] b, double[][] G, double[] h) {
    return new QpData(Q, c, A, b, G, h);
  }

  /** Validates the shapes of (Q, c, A, b[, G, h]) and takes their concrete values. */
  static QpData of(String solver, Tensor[] theta, boolean inequalities) {
    Guards.requirePresent(solver, theta);
    Guards.requireCount(solver, theta, inequalities ? 6 : 4, inequalities ? "(Q, c, A, b, G, h)" : "(Q, c, A, b)");
    Tensor Q = theta[0], c = theta[1], A = theta[2], b = theta[3];
    if (c.ndim() != 1) throw new ShapeException(solver + ": c must be a vector, got shape " + c.shapeString());
    int n = c.dim(0);
    requireMatrix(solver, "Q", Q, n, n);
    if (b.ndim() != 1) throw new ShapeException(solver + ": b must be a vector, got shape " + b.shapeString());
    requireMatrix(solver, "A", A, b.dim(0), n);
    Tensor G = inequalities ? theta[4] : Tensor.zeros(0, n), h = inequalities ? theta[5] : Tensor.zeros(0);
    if (h.ndim() != 1) throw new ShapeException(solver + ": h must be a vector, got shape " + h.shapeString());
    requireMatrix(solver, "G", G, h.dim(0), n);
    String[] names = {"Q", "c", "A", "b", "G", "h"};
    Tensor[] all = {Q, c, A, b, G, h};
    for (int i = 0; i < all.length; i++)
      if (!all[i].allFinite()) throw new NonFiniteException(solver + ": " + names[i] + " contains NaN or infinite values");
    double[][] q = Q.concrete().toArray2d();
    double[][] sym = new double[n][n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) sym[i][j] = 0.5 * (q[i][j] + q[j][i]);
    return new QpData(sym, c.toDoubleArray(), rows(A, n), b.toDoubleArray(), rows(G, n), h.toDoubleArray());
  }

  private static void requireMatrix(String solver, String name, Tensor M, int rows, int cols) {
    if (M.ndim() != 2 || M.dim(0) != rows || M.dim(1) != cols)
      throw new ShapeException(solver + ": " + name + " must have shape (" + rows + ", " + cols + ") to match the other"
          + " data, got " + M.shapeString());
  }

  private static double[][] rows(Tensor M, int n) {
    return M.dim(0) == 0 ? new double[0][n] : M.concrete().toArray2d();
  }

  static double maxAbs(double[] v) {
    double s = 0;
    for (double x : v) s = Math.max(s, Math.abs(x));
    return s;
  }

  static double[] mul(double[][] M, double[] v) {
    double[] r = new double[M.length];
    for (int i = 0; i < M.length; i++) {
      double s = 0;
      for (int j = 0; j < v.length; j++) s += M[i][j] * v[j];
      r[i] = s;
    }
    return r;
  }

  /** Mᵀ v for an (rows × cols) matrix M. */
  static double[] mulT(double[][] M, double[] v, int cols) {
    double[] r = new double[cols];
    for (int i = 0; i < M.length; i++) for (int j = 0; j < cols; j++) r[j] += M[i][j] * v[i];
    return r;
  }

  /**
   * K[0..n)[0..n) += Gᵀ diag(W) G, row by row of G: W_r g_r g_rᵀ over the nonzero entries of g_r only (rows of
   * structured constraints, such as differences or bounds, have few); rows with W_r = 0 are skipped.
   */
  void addWeightedGram(double[][] K, double[] W) {
    int[] nonzero = new int[n];
    for (int r = 0; r < m; r++) {
      if (W[r] == 0) continue;
      double[] g = G[r];
      int count = 0;
      for (int i = 0; i < n; i++) if (g[i] != 0) nonzero[count++] = i;
      if (count == n) {
        for (int i = 0; i < n; i++) {
          double gi = W[r] * g[i];
          double[] Ki = K[i];
          for (int j = 0; j < n; j++) Ki[j] += gi * g[j];
        }
      } else {
        for (int a = 0; a < count; a++) {
          int i = nonzero[a];
          double gi = W[r] * g[i];
          double[] Ki = K[i];
          for (int b = 0; b < count; b++) Ki[nonzero[b]] += gi * g[nonzero[b]];
        }
      }
    }
  }

  /**
   * The KKT violations of (x, ν, μ) as an ∞-norm: stationarity Qx + c + Aᵀν + Gᵀμ, Ax − b, max(Gx − h, 0),
   * max(−μ, 0), and μ_i (h − Gx)_i; divided by {@link #scale}.
   */
  double kktError(double[] x, double[] nu, double[] mu) {
    double[] st = mul(Q, x);
    double[] at = mulT(A, nu, n), gt = mulT(G, mu, n);
    double e = 0;
    for (int i = 0; i < n; i++) e = Math.max(e, Math.abs(st[i] + c[i] + at[i] + gt[i]));
    double[] ax = mul(A, x);
    for (int i = 0; i < p; i++) e = Math.max(e, Math.abs(ax[i] - b[i]));
    double[] gx = mul(G, x);
    for (int i = 0; i < m; i++) {
      double slack = h[i] - gx[i];
      e = Math.max(e, Math.max(-slack, 0));
      e = Math.max(e, Math.max(-mu[i], 0));
      e = Math.max(e, Math.abs(mu[i] * slack));
    }
    return e / scale;
  }
}
