package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.SingularMatrixException;

/**
 * Mehrotra's predictor–corrector primal–dual interior-point method for a convex QP (concrete arrays),
 * with slacks s = h − Gx ≥ 0 and duals μ ≥ 0, followed by active-set polishing. See
 * {@link InteriorPointQp} for the contract.
 *
 * <p>Each iteration solves the reduced Newton system [[Q + GᵀWG, Aᵀ], [A, 0]] [dx; dν] = rhs,
 * W = diag(μ/s), twice with one LU (affine predictor with r_c = −μ⊙s; corrector with
 * r_c = −μ⊙s − ds_aff⊙dμ_aff + σ g, σ = (g_aff/g)³, g = sᵀμ/m), recovers dμ = W(G dx + r_i) + r_c/s,
 * ds = (r_c − s⊙dμ)/μ, and steps 0.99 of the way to the boundary of s, μ ≥ 0.
 */
final class InteriorPointMethod {
  private InteriorPointMethod() {}

  /** The outcome: a polished or interior iterate, its KKT error, and why it stopped. */
  record Outcome(double[] x, double[] nu, double[] mu, int iterations, double error, boolean converged, String failure) {}

  /**
   * Phase I: the smallest t with Ax = b, Gx ≤ h + t (t ≥ −1), from min t + ε(‖x‖² + t²)/2, ε = 1e-8 ·
   * scale (the regularization keeps the Newton systems nonsingular). Returns t*, or NaN when phase I
   * itself fails.
   */
  static double leastViolation(QpData d, double tol, int maxIterations, String what) {
    int n = d.n + 1, p = d.p, m = d.m + 1;
    double eps = 1e-8 * d.scale;
    double[][] Q = new double[n][n], A = new double[p][n], G = new double[m][n];
    for (int i = 0; i < n; i++) Q[i][i] = eps;
    double[] c = new double[n], h = new double[m];
    c[n - 1] = 1;
    for (int i = 0; i < p; i++) System.arraycopy(d.A[i], 0, A[i], 0, d.n);
    for (int i = 0; i < d.m; i++) {
      System.arraycopy(d.G[i], 0, G[i], 0, d.n);
      G[i][n - 1] = -1;
      h[i] = d.h[i];
    }
    G[m - 1][n - 1] = -1;
    h[m - 1] = 1;
    Outcome o = solve(QpData.ofArrays(Q, c, A, d.b.clone(), G, h), tol, maxIterations, what + " (phase I)");
    return o.converged() ? o.x()[n - 1] : Double.NaN;
  }

  /** Relative gap and residual at which polishing is first attempted. */
  private static final double POLISH_START = 1e-5;

  static Outcome solve(QpData d, double tol, int maxIterations, String what) {
    int n = d.n, p = d.p, m = d.m;
    double[] x = new double[n], nu = new double[p];
    try { // start: min ½xᵀ(Q + GᵀG)x + (c − Gᵀh)ᵀx s.t. Ax = b
      double[] ones = new double[m];
      java.util.Arrays.fill(ones, 1);
      double[][] K = reducedMatrix(d, ones);
      double[] rhs = new double[n + p], gth = QpData.mulT(d.G, d.h, n);
      for (int i = 0; i < n; i++) rhs[i] = -d.c[i] + gth[i];
      System.arraycopy(d.b, 0, rhs, n, p);
      double[] z = DenseLu.factor(K, what).solve(rhs);
      System.arraycopy(z, 0, x, 0, n);
    } catch (SingularMatrixException e) {
      // keep x = 0
    }
    double[] s = new double[m], mu = new double[m], gx = QpData.mul(d.G, x);
    for (int i = 0; i < m; i++) {
      s[i] = Math.max(d.h[i] - gx[i], 1);
      mu[i] = 1;
    }
    Outcome best = null;
    String failure = "the iteration budget ran out";
    int k = 0;
    for (; k < maxIterations; k++) {
      double[] rd = add(add(add(QpData.mul(d.Q, x), d.c), QpData.mulT(d.A, nu, n)), QpData.mulT(d.G, mu, n));
      double[] rp = sub(QpData.mul(d.A, x), d.b);
      double[] ri = sub(add(QpData.mul(d.G, x), s), d.h);
      double gap = dot(s, mu) / m;
      double residual = Math.max(QpData.maxAbs(rd), Math.max(QpData.maxAbs(rp), QpData.maxAbs(ri))) / d.scale;
      if (!Double.isFinite(residual) || !Double.isFinite(gap)) {
        failure = "the iterates became NaN or infinite";
        break;
      }
      if (residual <= POLISH_START && gap / d.scale <= POLISH_START) {
        Outcome polished = polish(d, x, nu, mu, s, k, tol, what);
        if (polished != null && polished.error() <= tol) return polished;
      }
      if (residual <= tol && gap / d.scale <= tol) {
        Outcome polished = polish(d, x, nu, mu, s, k, tol, what);
        double error = d.kktError(x, nu, mu);
        Outcome candidate = polished != null && polished.error() <= error ? polished
            : new Outcome(x.clone(), nu.clone(), mu.clone(), k, error, error <= tol, null);
        if (candidate.converged()) return candidate;
        // the mean gap sᵀμ/m is below tol but one product μ_i s_i is not (up to m times the mean: a nearly weakly
        // active constraint, whose side the active-set guess μ_i > s_i can still get wrong): keep iterating
        if (best == null || candidate.error() < best.error()) best = candidate;
        failure = "the residuals and the mean gap reached tol but the largest complementarity product μ_i (h − Gx)_i did not";
      }
      if (QpData.maxAbs(mu) > 1e12 * d.scale || QpData.maxAbs(x) > 1e12 * d.scale) {
        failure = "the iterates grew without bound (max |μ| = " + QpData.maxAbs(mu) + ", max |x| = " + QpData.maxAbs(x) + ")";
        break;
      }
      double[] W = new double[m];
      for (int i = 0; i < m; i++) W[i] = mu[i] / s[i];
      DenseLu lu;
      try {
        lu = DenseLu.factorAnyNonzeroPivot(reducedMatrix(d, W), what + ": Newton system");
      } catch (SingularMatrixException e) {
        failure = "the Newton system became singular (" + e.getMessage() + ")";
        break;
      }
      double[] rcAff = new double[m];
      for (int i = 0; i < m; i++) rcAff[i] = -mu[i] * s[i];
      double[][] aff = direction(d, lu, W, s, mu, rd, rp, ri, rcAff);
      double alphaAff = maxStep(s, aff[3], mu, aff[2]);
      double gapAff = 0;
      for (int i = 0; i < m; i++) gapAff += (s[i] + alphaAff * aff[3][i]) * (mu[i] + alphaAff * aff[2][i]);
      gapAff /= m;
      double sigma = Math.pow(gapAff / gap, 3);
      double[] rc = new double[m];
      for (int i = 0; i < m; i++) rc[i] = -mu[i] * s[i] - aff[3][i] * aff[2][i] + sigma * gap;
      double[][] dir = direction(d, lu, W, s, mu, rd, rp, ri, rc);
      double alpha = Math.min(1, 0.99 * maxStep(s, dir[3], mu, dir[2]));
      for (int i = 0; i < n; i++) x[i] += alpha * dir[0][i];
      for (int i = 0; i < p; i++) nu[i] += alpha * dir[1][i];
      for (int i = 0; i < m; i++) {
        mu[i] += alpha * dir[2][i];
        s[i] += alpha * dir[3][i];
      }
    }
    double error = d.kktError(x, nu, mu);
    if (best != null && best.error() < error) return new Outcome(best.x(), best.nu(), best.mu(), k, best.error(), false, failure);
    return new Outcome(x, nu, mu, k, error, false, failure);
  }

  /**
   * Solves the equality-constrained QP of the active set {i : μ_i > s_i}; null when the active set's KKT
   * matrix is singular. The result's error is its KKT violation (negative μ or violated inactive rows count).
   */
  private static Outcome polish(QpData d, double[] x, double[] nu, double[] mu, double[] s, int k, double tol, String what) {
    int count = 0;
    for (int i = 0; i < d.m; i++) if (mu[i] > s[i]) count++;
    int[] active = new int[count];
    for (int i = 0, a = 0; i < d.m; i++) if (mu[i] > s[i]) active[a++] = i;
    try {
      ActiveSetKkt.Solution z = ActiveSetKkt.solve(d, active, what);
      double error = d.kktError(z.x(), z.nu(), z.mu());
      return new Outcome(z.x(), z.nu(), z.mu(), k, error, error <= tol, null);
    } catch (SingularMatrixException e) {
      return null;
    }
  }

  /** Q + Gᵀ diag(W) G bordered by A: [[·, Aᵀ], [A, 0]]. */
  static double[][] reducedMatrix(QpData d, double[] W) {
    int n = d.n, p = d.p;
    double[][] K = new double[n + p][n + p];
    for (int i = 0; i < n; i++) System.arraycopy(d.Q[i], 0, K[i], 0, n);
    d.addWeightedGram(K, W);
    for (int i = 0; i < p; i++) for (int j = 0; j < n; j++) K[n + i][j] = K[j][n + i] = d.A[i][j];
    return K;
  }

  /** (dx, dν, dμ, ds) for the complementarity right-hand side r_c. */
  private static double[][] direction(QpData d, DenseLu lu, double[] W, double[] s, double[] mu, double[] rd,
      double[] rp, double[] ri, double[] rc) {
    int n = d.n, p = d.p, m = d.m;
    double[] t = new double[m];
    for (int i = 0; i < m; i++) t[i] = W[i] * ri[i] + rc[i] / s[i];
    double[] gt = QpData.mulT(d.G, t, n);
    double[] rhs = new double[n + p];
    for (int i = 0; i < n; i++) rhs[i] = -rd[i] - gt[i];
    for (int i = 0; i < p; i++) rhs[n + i] = -rp[i];
    double[] z = lu.solve(rhs);
    double[] dx = java.util.Arrays.copyOfRange(z, 0, n), dnu = java.util.Arrays.copyOfRange(z, n, n + p);
    double[] gdx = QpData.mul(d.G, dx), dmu = new double[m], ds = new double[m];
    for (int i = 0; i < m; i++) {
      dmu[i] = W[i] * (gdx[i] + ri[i]) + rc[i] / s[i];
      ds[i] = (rc[i] - s[i] * dmu[i]) / mu[i];
    }
    return new double[][] {dx, dnu, dmu, ds};
  }

  /** The largest α ≤ 1 with s + α ds ≥ 0 and μ + α dμ ≥ 0. */
  private static double maxStep(double[] s, double[] ds, double[] mu, double[] dmu) {
    double alpha = 1;
    for (int i = 0; i < s.length; i++) {
      if (ds[i] < 0) alpha = Math.min(alpha, -s[i] / ds[i]);
      if (dmu[i] < 0) alpha = Math.min(alpha, -mu[i] / dmu[i]);
    }
    return alpha;
  }

  private static double[] add(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) r[i] = a[i] + b[i];
    return r;
  }

  private static double[] sub(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) r[i] = a[i] - b[i];
    return r;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
