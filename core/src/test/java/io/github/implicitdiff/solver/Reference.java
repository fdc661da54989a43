package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/** Independent references for the solver tests: Gauss–Jordan elimination and QP by active-set enumeration. */
final class Reference {
  private Reference() {}

  /** A⁻¹ B by Gauss–Jordan elimination with partial pivoting (B a vector or a matrix). */
  static Tensor solve(Tensor A, Tensor B) {
    int n = A.dim(0);
    boolean vec = B.ndim() == 1;
    int k = vec ? 1 : B.dim(1);
    double[][] a = A.toArray2d(), b = vec ? B.reshape(n, 1).toArray2d() : B.toArray2d();
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int i = col + 1; i < n; i++) if (Math.abs(a[i][col]) > Math.abs(a[piv][col])) piv = i;
      if (Math.abs(a[piv][col]) < 1e-12) throw new ArithmeticException("reference: singular");
      double[] t = a[col]; a[col] = a[piv]; a[piv] = t;
      t = b[col]; b[col] = b[piv]; b[piv] = t;
      for (int i = 0; i < n; i++) {
        if (i == col) continue;
        double f = a[i][col] / a[col][col];
        for (int j = 0; j < n; j++) a[i][j] -= f * a[col][j];
        for (int j = 0; j < k; j++) b[i][j] -= f * b[col][j];
      }
    }
    double[][] x = new double[n][k];
    for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) x[i][j] = b[i][j] / a[i][i];
    Tensor X = Tensor.of(x);
    return vec ? X.reshape(n) : X;
  }

  /** x, ν, μ of min ½xᵀQx + cᵀx s.t. Ax = b, Gx ≤ h (Q positive definite) by trying every active set. */
  static Tensor[] qpByEnumeration(Tensor Q, Tensor c, Tensor A, Tensor b, Tensor G, Tensor h) {
    int n = c.dim(0), p = b.dim(0), m = h.dim(0);
    for (int mask = 0; mask < (1 << m); mask++) {
      final int msk = mask;
      int[] act = java.util.stream.IntStream.range(0, m).filter(i -> (msk & (1 << i)) != 0).toArray();
      int k = act.length, r = p + k;
      Tensor C = k == 0 ? A : Tensor.concat(0, A, G.take(act, 0));
      Tensor d = k == 0 ? b : Tensor.concat(0, b, h.take(act, 0));
      Tensor K = Tensor.concat(0, Tensor.concat(1, Q, C.T()), Tensor.concat(1, C, Tensor.zeros(r, r)));
      Tensor z;
      try {
        z = solve(K, Tensor.concat(0, c.neg(), d));
      } catch (ArithmeticException e) {
        continue;
      }
      Tensor x = z.slice(0, 0, n);
      double[] lam = z.slice(0, n + p, n + r).toDoubleArray();
      boolean ok = G.matmul(x).sub(h).toDoubleArray().length == 0 || G.matmul(x).sub(h).max().item() <= 1e-9;
      for (double l : lam) ok &= l >= -1e-9;
      if (!ok) continue;
      double[] mu = new double[m];
      for (int a = 0; a < k; a++) mu[act[a]] = lam[a];
      return new Tensor[] {x, z.slice(0, n, n + p), Tensor.of(mu)};
    }
    throw new AssertionError("reference: no active set satisfies the KKT conditions");
  }
}
