package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.SingularMatrixException;

/**
 * The KKT Jacobian of the inequality QP at (x, μ),
 * <pre>
 *   J = ∂₁F = [ Q         Aᵀ  Gᵀ         ]
 *             [ A         0   0          ]      d = Gx − h,
 *             [ diag(μ)G  0   diag(d)    ]
 * </pre>
 * factored through an exact elimination of its complementarity rows instead of a dense LU of the whole
 * (n + p + m)-square matrix. Row i is μ_i G_i u_x + d_i u_μi = r_i. Where |d_i| ≥ |μ_i| (the constraint is
 * inactive) u_μi = (r_i − μ_i G_i u_x) / d_i is substituted into the stationarity rows, which adds
 * −(μ_i/d_i) G_iᵀG_i ⪰ 0 to Q; elsewhere (active) the row is divided by μ_i. What remains is the symmetric
 * matrix of order n + p + k (k active constraints)
 * <pre>
 *   K = [ Q + G_Iᵀ diag(−μ_I/d_I) G_I   Aᵀ  G_Aᵀ          ]
 *       [ A                              0   0             ]
 *       [ G_A                            0   diag(d_A/μ_A) ]
 * </pre>
 * (at a polished solution μ_I = 0 and d_A ≈ 0: the active set's KKT matrix), factored once and used for
 * both J u = r and Jᵀ w = r; no approximation is made. The dense J is {@link InteriorPointQp#kktJacobian},
 * the reference this is tested against. A zero row of J (μ_i = 0 and d_i = 0: a weakly active constraint)
 * raises SingularMatrixException, and so does a singular or ill-conditioned K (reciprocal condition below
 * 1e-14).
 */
final class ReducedKkt implements KktFactorization {
  private final int n, p, m;
  private final double[][] G;
  private final double[] mu, d;
  private final int[] active; // position in the reduced unknowns (n + p + a), or −1 for an eliminated row
  private final DenseLu lu;

  private ReducedKkt(QpData data, double[] mu, double[] d, int[] active, DenseLu lu) {
    this.n = data.n;
    this.p = data.p;
    this.m = data.m;
    this.G = data.G;
    this.mu = mu;
    this.d = d;
    this.active = active;
    this.lu = lu;
  }

  /** Factors J at (x, μ); {@code what} names the solver in exceptions. */
  static ReducedKkt factor(QpData data, double[] x, double[] mu, String what) {
    int n = data.n, p = data.p, m = data.m;
    double[] d = QpData.mul(data.G, x), W = new double[m];
    int[] active = new int[m];
    int k = 0;
    for (int i = 0; i < m; i++) {
      d[i] -= data.h[i];
      if (Math.abs(mu[i]) > Math.abs(d[i])) active[i] = n + p + k++;
      else if (d[i] == 0)
        throw new SingularMatrixException(what + ": KKT Jacobian: row " + (n + p + i) + " is zero (μ_" + i + " = 0 and G_" + i
            + " x = h_" + i + ": a weakly active constraint)");
      else {
        active[i] = -1;
        W[i] = -mu[i] / d[i];
      }
    }
    int size = n + p + k;
    double[][] K = new double[size][size];
    for (int i = 0; i < n; i++) System.arraycopy(data.Q[i], 0, K[i], 0, n);
    data.addWeightedGram(K, W);
    for (int i = 0; i < p; i++) for (int j = 0; j < n; j++) K[n + i][j] = K[j][n + i] = data.A[i][j];
    for (int i = 0; i < m; i++) {
      int a = active[i];
      if (a < 0) continue;
      for (int j = 0; j < n; j++) K[a][j] = K[j][a] = data.G[i][j];
      K[a][a] = d[i] / mu[i];
    }
    return new ReducedKkt(data, mu.clone(), d, active, DenseLu.factor(K, what + ": KKT Jacobian (reduced)"));
  }

  /** J u = r. */
  @Override
  public double[] solve(double[] r) {
    return solve(r, false);
  }

  /** Jᵀ w = r. */
  @Override
  public double[] solveTranspose(double[] r) {
    return solve(r, true);
  }

  /**
   * J u = r: K z = (r_x − G_Iᵀ(r_I/d_I), r_ν, r_A/μ_A), u = (z_x, z_ν, z_A on A, (r_I − μ_I G_I z_x)/d_I on I).
   * Jᵀ w = r: K z = (r_x − G_Iᵀ(μ_I r_I/d_I), r_ν, r_A), w = (z_x, z_ν, z_A/μ_A on A, (r_I − G_I z_x)/d_I on I).
   */
  private double[] solve(double[] r, boolean transpose) {
    double[] rhs = new double[lu.size()];
    System.arraycopy(r, 0, rhs, 0, n + p);
    for (int i = 0; i < m; i++) {
      double ri = r[n + p + i];
      int a = active[i];
      if (a >= 0) {
        rhs[a] = transpose ? ri : ri / mu[i];
      } else {
        double coefficient = (transpose ? mu[i] * ri : ri) / d[i];
        if (coefficient != 0) for (int j = 0; j < n; j++) rhs[j] -= G[i][j] * coefficient;
      }
    }
    double[] z = lu.solve(rhs), u = new double[n + p + m];
    System.arraycopy(z, 0, u, 0, n + p);
    for (int i = 0; i < m; i++) {
      int a = active[i];
      if (a >= 0) {
        u[n + p + i] = transpose ? z[a] / mu[i] : z[a];
      } else {
        double gx = 0;
        for (int j = 0; j < n; j++) gx += G[i][j] * z[j];
        u[n + p + i] = (r[n + p + i] - (transpose ? 1 : mu[i]) * gx) / d[i];
      }
    }
    return u;
  }
}
