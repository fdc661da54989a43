package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.solver.InteriorPointQp;
import io.github.implicitdiff.solver.QpSolution;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The OptNet denoising layer (Amos and Kolter 2017, §5.2): x̂(y; D, λ) = argmin_x ½‖x − y‖² + λ‖Dx‖₁ for an operator
 * D (k×n), written as the QP in z = (x, t) ∈ ℝⁿ⁺ᵏ
 * <pre>
 *   min ½‖x‖² − yᵀx + λ1ᵀt   s.t.   Dx − t ≤ 0,  −Dx − t ≤ 0,
 * </pre>
 * i.e. Q = diag(I_n, 0_k), c = (−y, λ1), G = [[D, −I], [−D, −I]], h = 0, no equalities (at the solution t = |Dx|,
 * since λ &gt; 0 pushes each t_i down to max(D_i x, −D_i x)). Solved by {@link InteriorPointQp}, so x̂ is differentiable
 * in D (through G) and λ (through c) by implicit differentiation of the KKT conditions, or along the identified
 * active set in the solver's UNROLLED mode. Q is only semidefinite, but on the null space of the active constraints
 * (each t_i is tied to D_i x) it is the identity in x, so the KKT matrix is nonsingular as long as the active rows are
 * independent and no constraint is weakly active (see {@link InteriorPointQp}).
 *
 * <p>Counts the solves and their interior-point iterations (not thread-safe).
 */
final class TvQpLayer {
  private final InteriorPointQp qp;
  private long solves, iterations;

  TvQpLayer(InteriorPointQp qp) {
    this.qp = qp;
  }

  /** The QP's solution z = (x, t) with its duals, differentiable in D and λ (k×n and a scalar) and y (n). */
  QpSolution solve(Tensor D, Tensor lambda, Tensor y) {
    int k = D.dim(0), n = D.dim(1);
    double[][] q = new double[n + k][n + k];
    for (int i = 0; i < n; i++) q[i][i] = 1;
    Tensor minusI = Tensor.eye(k).neg();
    Tensor G = Tensor.concat(0, Tensor.concat(1, D, minusI), Tensor.concat(1, D.neg(), minusI));
    Tensor c = Tensor.concat(0, y.neg(), lambda.mul(Tensor.ones(k)));
    QpSolution s = qp.run(Tensor.of(q), c, Tensor.zeros(0, n + k), Tensor.zeros(0), G, Tensor.zeros(2 * k)).orThrow();
    solves++;
    iterations += s.iterations();
    return s;
  }

  /** x̂(y; D, λ), the first n entries of the solution. */
  Tensor denoise(Tensor D, Tensor lambda, Tensor y) {
    return solve(D, lambda, y).primal().slice(0, 0, D.dim(1));
  }

  /** The first-difference operator D₁ ((n − 1)×n): (D₁x)_i = x_{i+1} − x_i, so that λ‖D₁x‖₁ is total variation. */
  static Tensor firstDifferences(int n) {
    double[][] d = new double[n - 1][n];
    for (int i = 0; i < n - 1; i++) {
      d[i][i] = -1;
      d[i][i + 1] = 1;
    }
    return Tensor.of(d);
  }

  /** QP solves so far. */
  long solves() {
    return solves;
  }

  /** Interior-point iterations so far, summed over the solves. */
  long iterations() {
    return iterations;
  }
}
