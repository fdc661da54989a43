package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The direct KKT solve of a QP whose active inequality constraints are known: with G_a, h_a the active
 * rows, [x; ν; μ_a] solves
 * <pre>
 *   [ Q    Aᵀ  G_aᵀ ] [ x  ]   [ −c  ]
 *   [ A    0   0    ] [ ν  ] = [  b  ]
 *   [ G_a  0   0    ] [ μ_a]   [ h_a ]
 * </pre>
 * and μ is μ_a on the active rows, 0 elsewhere. Concretely (dense LU) or in tensor operations (a
 * differentiable dense solve, so that the solution differentiates in Q, c, A, b, G, h).
 */
final class ActiveSetKkt {
  private ActiveSetKkt() {}

  /** The solution (x, ν, μ) as arrays; μ has length m. */
  record Solution(double[] x, double[] nu, double[] mu) {}

  /** Solves concretely; {@code what} names the solver in a SingularMatrixException. */
  static Solution solve(QpData d, int[] active, String what) {
    return solve(d, active, factor(d, active, what));
  }

  /** Solves concretely with a factorization from {@link #factor} for the same active set. */
  static Solution solve(QpData d, int[] active, DenseLu lu) {
    int n = d.n, p = d.p, k = active.length;
    double[] rhs = new double[n + p + k];
    for (int i = 0; i < n; i++) rhs[i] = -d.c[i];
    System.arraycopy(d.b, 0, rhs, n, p);
    for (int a = 0; a < k; a++) rhs[n + p + a] = d.h[active[a]];
    double[] z = lu.solve(rhs);
    double[] x = java.util.Arrays.copyOfRange(z, 0, n), nu = java.util.Arrays.copyOfRange(z, n, n + p);
    double[] mu = new double[d.m];
    for (int a = 0; a < k; a++) mu[active[a]] = z[n + p + a];
    return new Solution(x, nu, mu);
  }

  /** The LU of the KKT matrix of the active set (symmetric: it is also ∂₁F of the equality-QP optimality). */
  static DenseLu factor(QpData d, int[] active, String what) {
    int n = d.n, p = d.p, k = active.length, size = n + p + k;
    double[][] K = new double[size][size];
    for (int i = 0; i < n; i++) System.arraycopy(d.Q[i], 0, K[i], 0, n);
    for (int i = 0; i < p; i++) for (int j = 0; j < n; j++) K[n + i][j] = K[j][n + i] = d.A[i][j];
    for (int a = 0; a < k; a++) for (int j = 0; j < n; j++) K[n + p + a][j] = K[j][n + p + a] = d.G[active[a]][j];
    try {
      return DenseLu.factor(K, what + ": KKT matrix");
    } catch (SingularMatrixException e) {
      throw new SingularMatrixException(what + ": the KKT matrix is singular: the equality (and active inequality)"
          + " constraint rows are linearly dependent, or Q is not positive definite on their null space; remove"
          + " redundant constraints or add a ridge to Q (" + e.getMessage() + ")");
    }
  }

  /**
   * The same solve in tensor operations on θ = (Q, c, A, b[, G, h]): returns {x, ν[, μ]}, differentiable
   * in every θ by the rule of the dense solve.
   */
  static Tensor[] solveDifferentiable(Tensor[] theta, int[] active, boolean inequalities) {
    Tensor Q = theta[0], c = theta[1], A = theta[2], b = theta[3];
    int n = c.dim(0), p = b.dim(0), k = active.length;
    Tensor symQ = Q.add(Q.T()).mul(0.5);
    Tensor C = A; // constraint rows: A, then the active rows of G
    Tensor rhs2 = b;
    if (k > 0) {
      C = Tensor.concat(0, A, theta[4].take(active, 0));
      rhs2 = Tensor.concat(0, b, theta[5].take(active, 0));
    }
    int r = p + k;
    Tensor K = Tensor.concat(0, Tensor.concat(1, symQ, C.T()), Tensor.concat(1, C, Tensor.zeros(r, r)));
    Tensor z = io.github.implicitdiff.linalg.DenseSolve.solve(K, Tensor.concat(0, c.neg(), rhs2));
    Tensor x = z.slice(0, 0, n), nu = z.slice(0, n, n + p);
    if (!inequalities) return new Tensor[] {x, nu};
    int m = theta[5].dim(0);
    Tensor mu;
    if (k == 0) mu = Tensor.zeros(m);
    else {
      double[][] E = new double[m][k]; // scatter μ_a into the active rows
      for (int a = 0; a < k; a++) E[active[a]][a] = 1;
      mu = Tensor.of(E).matmul(z.slice(0, n + p, n + p + k));
    }
    return new Tensor[] {x, nu, mu};
  }
}
