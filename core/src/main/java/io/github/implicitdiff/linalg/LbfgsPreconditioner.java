package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * z = H r, H the L-BFGS inverse-Hessian approximation of curvature pairs (s_i, y_i) (oldest first):
 * the two-loop recursion with H⁰ = γI, γ = s_kᵀy_k / y_kᵀy_k of the newest pair (Nocedal and Wright,
 * Algorithm 7.4). H is symmetric positive definite when every s_iᵀy_i &gt; 0, so it can precondition CG.
 * Cost per application: 4m dot products and axpys of length n. Immutable; {@link #append} follows an
 * optimization run pair by pair.
 */
public final class LbfgsPreconditioner implements Preconditioner {
  private static final String OP = "Preconditioners.lbfgs";
  private final double[][] s, y;
  private final double[] rho;
  private final double gamma;

  LbfgsPreconditioner(List<Tensor> sPairs, List<Tensor> yPairs) {
    CheckedOperator.present(OP, "the steps s", sPairs);
    CheckedOperator.present(OP, "the gradient changes y", yPairs);
    if (sPairs.size() != yPairs.size())
      throw new IllegalArgumentException(OP + ": " + sPairs.size() + " steps s but " + yPairs.size() + " gradient changes y");
    if (sPairs.isEmpty()) throw new IllegalArgumentException(OP + ": needs at least one pair (s, y); use Preconditioners.identity()");
    int m = sPairs.size(), n = CheckedOperator.present(OP, "s[0]", sPairs.get(0)).size();
    s = new double[m][];
    y = new double[m][];
    rho = new double[m];
    for (int i = 0; i < m; i++) pair(i, n, sPairs.get(i), yPairs.get(i));
    gamma = newestScaling();
  }

  /** The pairs of {@code older} from index {@code from} on, then (s, y) as the newest. */
  private LbfgsPreconditioner(LbfgsPreconditioner older, int from, Tensor sNew, Tensor yNew) {
    int kept = older.s.length - from, n = older.s[0].length;
    s = Arrays.copyOfRange(older.s, from, older.s.length + 1);
    y = Arrays.copyOfRange(older.y, from, older.y.length + 1);
    rho = Arrays.copyOfRange(older.rho, from, older.rho.length + 1);
    pair(kept, n, sNew, yNew);
    gamma = newestScaling();
  }

  /**
   * This preconditioner with (s, y) appended as the newest pair and the oldest pairs dropped so that at most
   * {@code memory} remain: what L-BFGS's memory holds after an accepted step. The kept pairs are shared, not
   * copied or checked again, so following a run costs one copy of each new pair instead of one of every pair
   * at every iteration; the result equals {@code Preconditioners.lbfgs} of the kept pairs to the bit.
   *
   * @throws IllegalArgumentException if {@code memory} is below 1 or the new pair has sᵀy ≤ 0
   * @throws ShapeException if s or y has a size other than this preconditioner's
   * @throws NonFiniteException if s or y holds a NaN or infinite value
   */
  public LbfgsPreconditioner append(Tensor sNew, Tensor yNew, int memory) {
    if (memory < 1) throw new IllegalArgumentException(OP + ": memory must be ≥ 1, got " + memory);
    return new LbfgsPreconditioner(this, Math.max(0, s.length + 1 - memory), sNew, yNew);
  }

  /** How many pairs (s, y) this preconditioner holds. */
  public int pairs() {
    return s.length;
  }

  /** Checks pair i (n values each) and stores its values and ρ_i = 1 / sᵀy. */
  private void pair(int i, int n, Tensor sPair, Tensor yPair) {
    Tensor si = CheckedOperator.present(OP, "s[" + i + "]", sPair).concrete();
    Tensor yi = CheckedOperator.present(OP, "y[" + i + "]", yPair).concrete();
    if (si.size() != n || yi.size() != n)
      throw new ShapeException(OP + ": pair " + i + " has s " + si.shapeString() + " and y " + yi.shapeString()
          + "; every s and y must have " + n + " elements");
    if (!si.allFinite()) si.requireFinite(OP + ": s[" + i + "]");
    if (!yi.allFinite()) yi.requireFinite(OP + ": y[" + i + "]");
    s[i] = si.toDoubleArray();
    y[i] = yi.toDoubleArray();
    double sy = Vectors.dot(s[i], y[i]);
    if (!(sy > 0))
      throw new IllegalArgumentException(OP + ": pair " + i + " has curvature sᵀy = " + sy + " ≤ 0, so H would not be"
          + " positive definite; drop pairs with sᵀy ≤ 0 (as L-BFGS does)");
    rho[i] = 1 / sy;
  }

  /** γ = sᵀy / yᵀy of the newest pair. */
  private double newestScaling() {
    int m = s.length;
    double g = Vectors.dot(s[m - 1], y[m - 1]) / Vectors.dot(y[m - 1], y[m - 1]);
    if (!Double.isFinite(g)) throw new NonFiniteException(OP + ": the initial scaling sᵀy/yᵀy is " + g);
    return g;
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
