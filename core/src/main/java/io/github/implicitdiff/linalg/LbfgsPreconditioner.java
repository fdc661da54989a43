package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;

/**
 * z = H r, H the L-BFGS inverse-Hessian approximation of curvature pairs (s_i, y_i) (oldest first):
 * the two-loop recursion with H⁰ = γI, γ = s_kᵀy_k / y_kᵀy_k of the newest pair (Nocedal and Wright,
 * Algorithm 7.4). H is symmetric positive definite when every s_iᵀy_i &gt; 0, so it can precondition CG.
 * Cost per application: 4m dot products and axpys of length n. Immutable.
 */
final class LbfgsPreconditioner implements Preconditioner {
  private final double[][] s, y;
  private final double[] rho;
  private final double gamma;

  LbfgsPreconditioner(List<Tensor> sPairs, List<Tensor> yPairs) {
    String op = "Preconditioners.lbfgs";
    CheckedOperator.present(op, "the steps s", sPairs);
    CheckedOperator.present(op, "the gradient changes y", yPairs);
    if (sPairs.size() != yPairs.size())
      throw new IllegalArgumentException(op + ": " + sPairs.size() + " steps s but " + yPairs.size() + " gradient changes y");
    if (sPairs.isEmpty()) throw new IllegalArgumentException(op + ": needs at least one pair (s, y); use Preconditioners.identity()");
    int m = sPairs.size(), n = CheckedOperator.present(op, "s[0]", sPairs.get(0)).size();
    s = new double[m][];
    y = new double[m][];
    rho = new double[m];
    for (int i = 0; i < m; i++) {
      Tensor si = CheckedOperator.present(op, "s[" + i + "]", sPairs.get(i)).concrete();
      Tensor yi = CheckedOperator.present(op, "y[" + i + "]", yPairs.get(i)).concrete();
      if (si.size() != n || yi.size() != n)
        throw new ShapeException(op + ": pair " + i + " has s " + si.shapeString() + " and y " + yi.shapeString()
            + "; every s and y must have " + n + " elements");
      si.requireFinite(op + ": s[" + i + "]");
      yi.requireFinite(op + ": y[" + i + "]");
      s[i] = si.toDoubleArray();
      y[i] = yi.toDoubleArray();
      double sy = Vectors.dot(s[i], y[i]);
      if (!(sy > 0))
        throw new IllegalArgumentException(op + ": pair " + i + " has curvature sᵀy = " + sy + " ≤ 0, so H would not be"
            + " positive definite; drop pairs with sᵀy ≤ 0 (as L-BFGS does)");
      rho[i] = 1 / sy;
    }
    gamma = Vectors.dot(s[m - 1], y[m - 1]) / Vectors.dot(y[m - 1], y[m - 1]);
    if (!Double.isFinite(gamma)) throw new NonFiniteException(op + ": the initial scaling sᵀy/yᵀy is " + gamma);
  }

  @Override
  public Tensor apply(Tensor residual) {
    int m = s.length, n = s[0].length;
    if (residual.size() != n)
      throw new ShapeException("L-BFGS preconditioner: built for vectors of " + n + " elements, got " + residual.shapeString());
    double[] q = residual.toDoubleArray();
    double[] alpha = new double[m];
    for (int i = m - 1; i >= 0; i--) { // newest to oldest
      alpha[i] = rho[i] * Vectors.dot(s[i], q);
      Vectors.axpy(-alpha[i], y[i], q);
    }
    for (int j = 0; j < n; j++) q[j] *= gamma;
    for (int i = 0; i < m; i++) { // oldest to newest
      double beta = rho[i] * Vectors.dot(y[i], q);
      Vectors.axpy(alpha[i] - beta, s[i], q);
    }
    return Tensor.fromArray(q, residual.shape());
  }
}
