package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.MultiFunction;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.TupleOptimality;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The equality-constrained QP min_x ½xᵀQx + cᵀx s.t. Ax = b, solved by one direct KKT solve, with
 * θ = (Q, c, A, b) all differentiable (Q enters through its symmetric part).
 *
 * <p>The solve: [x; ν] = K⁻¹ [−c; b] with K = [[Q, Aᵀ], [A, 0]] by a dense LU with partial pivoting
 * (iterations 1; error = the KKT ∞-norm violation relative to 1 + max|data|). A singular K (dependent
 * rows of A, or Q not positive definite on the null space of A) raises SingularMatrixException.
 * Optimality: F(x, ν; θ) = (Qx + c + Aᵀν, Ax − b), whose ∂₁F is K itself.
 *
 * <p>Differentiation. IMPLICIT (default): x*(θ) is attached by {@link Implicit#customRoot} to the
 * tuple optimality above, and the implicit JVP/VJP systems are solved by reusing the LU factorization
 * of K computed for the forward solve (each reuse checked by one product with the true ∂₁F, see
 * {@code FactoredSolver}); so the backward pass costs O((n+p)²) per solve, no new factorization.
 * UNROLLED: the same direct solve is differentiated by its own rule (dz = K⁻¹(dr − dK z)), which
 * gives the same derivative by an independent path. The whole solve is exact, so there is no tolerance
 * or iteration budget.
 *
 * <pre>{@code
 * QpSolution s = EqualityConstrainedQp.of().run(Q, c, A, b);
 * Tensor dxdc = AD.jacobian(cc -> EqualityConstrainedQp.of().run(Q, cc, A, b).primal(), c);   // −(K⁻¹)ₓₓ
 * }</pre>
 */
public final class EqualityConstrainedQp {
  private static final String NAME = "EqualityConstrainedQp";
  private final Differentiation differentiation;
  private final ImplicitOptions implicitOptions;

  /** The equality-constrained QP solver with IMPLICIT differentiation and the default implicit options. */
  public static EqualityConstrainedQp of() {
    return new EqualityConstrainedQp(Differentiation.IMPLICIT, ImplicitOptions.defaults());
  }

  private EqualityConstrainedQp(Differentiation differentiation, ImplicitOptions implicitOptions) {
    if (differentiation == null || implicitOptions == null)
      throw new IllegalArgumentException(NAME + ": differentiation and implicitOptions must not be null");
    this.differentiation = differentiation;
    this.implicitOptions = implicitOptions;
  }

  public Differentiation differentiation() { return differentiation; }
  public EqualityConstrainedQp withDifferentiation(Differentiation d) { return new EqualityConstrainedQp(d, implicitOptions); }
  public EqualityConstrainedQp withImplicitOptions(ImplicitOptions o) { return new EqualityConstrainedQp(differentiation, o); }

  /** F(x, ν; Q, c, A, b) = (½(Q + Qᵀ)x + c + Aᵀν, Ax − b). */
  public TupleOptimality optimality() {
    return (z, th) -> {
      Tensor x = z[0], nu = z[1], Q = th[0], A = th[2];
      Tensor stationarity = Q.add(Q.T()).mul(0.5).matmul(x).add(th[1]).add(A.T().matmul(nu));
      return new Tensor[] {stationarity, A.matmul(x).sub(th[3])};
    };
  }

  /**
   * Solves the QP; the solution is differentiable in every θ.
   *
   * @param theta (Q (n×n), c (n), A (p×n), b (p)); not modified
   */
  public QpSolution run(Tensor... theta) {
    QpData d = QpData.of(NAME, theta, false);
    boolean traced = Arrays.stream(theta).anyMatch(Tensor::isTraced);
    if (differentiation == Differentiation.UNROLLED && traced) {
      Tensor[] z = ActiveSetKkt.solveDifferentiable(theta, new int[0], false);
      return result(d, z[0], z[1]);
    }
    if (!traced) {
      ActiveSetKkt.Solution s = ActiveSetKkt.solve(d, new int[0], NAME);
      return result(d, Tensor.of(s.x()), Tensor.of(s.nu()));
    }
    DenseLu[] factorization = new DenseLu[1];
    MultiFunction solution = Implicit.customRoot(optimality(), th -> {
      QpData dc = QpData.of(NAME, th, false);
      factorization[0] = ActiveSetKkt.factor(dc, new int[0], NAME);
      ActiveSetKkt.Solution s = ActiveSetKkt.solve(dc, new int[0], factorization[0]);
      return new Tensor[] {Tensor.of(s.x()), Tensor.of(s.nu())};
    }, new FactoredSolver(() -> factorization[0], 1e-10), implicitOptions);
    Tensor[] z = solution.apply(theta);
    return result(d, z[0], z[1]);
  }

  private static QpSolution result(QpData d, Tensor x, Tensor nu) {
    double error = d.kktError(x.toDoubleArray(), nu.toDoubleArray(), new double[0]);
    return new QpSolution(x, nu, Tensor.zeros(0), 1, error, true, List.of());
  }
}
