package io.github.implicitdiff.linalg;

import static io.github.implicitdiff.BadInput.of;

import io.github.implicitdiff.BadInput;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to the operators, linear solvers and preconditioners (the audit's table). */
class LinalgBadInputTest {
  private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;
  private static final Tensor SPD = Tensor.of(new double[][] {{2, 1}, {1, 3}});
  private static final Tensor NAN_MATRIX = Tensor.of(new double[][] {{NAN, 1}, {1, 3}});
  private static final Tensor B = Tensor.of(1, 2);
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

  static Stream<Arguments> probes() {
    LinearOperator A = LinearOperator.dense(SPD);
    return BadInput.cases(
        // non-finite values
        of("dense: NaN in the matrix (failed only inside a solve)", NonFiniteException.class, () -> LinearOperator.dense(NAN_MATRIX), "DenseOperator", "finite"),
        of("dense: ∞ in the matrix", NonFiniteException.class, () -> LinearOperator.dense(Tensor.of(new double[][] {{INF, 1}, {1, 3}})), "DenseOperator"),
        of("cg: NaN in A v", NonFiniteException.class, () -> LinearSolvers.cg().solve(LinearOperator.symmetric(2, v -> v.mul(NAN)), B), "cg", "A v produced NaN"),
        of("lu: NaN from the operator", NonFiniteException.class, () -> LinearSolvers.lu().solve(LinearOperator.of(2, v -> v.mul(NAN), null, false), B), "Lu.factor", "NaN"),
        of("cg: NaN in b", NonFiniteException.class, () -> LinearSolvers.cg().solve(A, Tensor.of(NAN, 1)), "cg", "b contains NaN"),
        of("gmres: ∞ in x0", NonFiniteException.class, () -> LinearSolvers.gmres().solve(A, B, Tensor.of(INF, 0)), "gmres", "x0"),
        of("lu: NaN in x0 (was ignored)", NonFiniteException.class, () -> LinearSolvers.lu().solve(A, B, Tensor.of(NAN, 0)), "lu", "x0 contains NaN"),
        of("jacobi: NaN on the diagonal", NonFiniteException.class, () -> Preconditioners.jacobi(Tensor.of(NAN, 1)), "Preconditioners.jacobi"),
        of("lbfgs: NaN in s", NonFiniteException.class, () -> Preconditioners.lbfgs(List.of(Tensor.of(NAN, 1)), List.of(B)), "Preconditioners.lbfgs", "s[0]"),
        // nulls (were NullPointerException, some without a message)
        of("dense: null", IAE, () -> LinearOperator.dense(null), "DenseOperator", "matrix must not be null"),
        of("of: null matvec (failed at the first product)", IAE, () -> LinearOperator.of(2, null, null, false), "LinearOperator.of", "matvec"),
        of("symmetric: null matvec", IAE, () -> LinearOperator.symmetric(2, null), "matvec"),
        of("cg: null operator", IAE, () -> LinearSolvers.cg().solve(null, B), "cg", "operator A"),
        of("lu: null b", IAE, () -> LinearSolvers.lu().solve(A, null), "lu", "right-hand side b"),
        of("cg: null preconditioner", IAE, () -> LinearSolvers.cg().withPreconditioner(null), "cg", "preconditioner"),
        of("warmStarted: null inner solver", IAE, () -> LinearSolvers.warmStarted(null), "warmStarted", "inner solver"),
        of("jacobi: null diagonal", IAE, () -> Preconditioners.jacobi(null), "Preconditioners.jacobi", "diagonal"),
        of("lbfgs: null lists", IAE, () -> Preconditioners.lbfgs(null, null), "Preconditioners.lbfgs", "steps s"),
        of("lbfgs: a null pair", IAE, () -> Preconditioners.lbfgs(Arrays.asList(B, null), Arrays.asList(B, B)), "Preconditioners.lbfgs", "s[1]"),
        // shapes and sizes
        of("of: negative size", IAE, () -> LinearOperator.of(-1, v -> v, null, false), "LinearOperator.of", "-1"),
        of("dense: not square", ShapeException.class, () -> LinearOperator.dense(Tensor.zeros(2, 3)), "DenseOperator", "(2, 3)"),
        of("cg: b of the wrong length", ShapeException.class, () -> LinearSolvers.cg().solve(A, Tensor.ones(3)), "cg", "(3,)"),
        of("cholesky: x0 of the wrong length (was ignored)", ShapeException.class, () -> LinearSolvers.cholesky().solve(A, B, Tensor.ones(3)), "cholesky", "x0", "(3,)"),
        of("jacobi: built for another size", ShapeException.class, () -> LinearSolvers.cg().withPreconditioner(Preconditioners.jacobi(Tensor.ones(3))).solve(A, B), "Jacobi", "(3,)"),
        of("lbfgs: s and y of different lengths", ShapeException.class, () -> Preconditioners.lbfgs(List.of(B), List.of(Tensor.ones(3))), "Preconditioners.lbfgs", "pair 0"),
        // out-of-domain settings
        of("cg: tol NaN", IAE, () -> LinearSolvers.cg().withTol(NAN), "cg", "tol", "NaN"),
        of("gmres: tol 0", IAE, () -> LinearSolvers.gmres().withTol(0), "gmres", "tol"),
        of("bicgstab: maxIterations 0", IAE, () -> LinearSolvers.bicgstab().withMaxIterations(0), "bicgstab", "maxIterations"),
        of("normalCg: ridge ∞", IAE, () -> LinearSolvers.normalCg().withRidge(INF), "normalCg", "ridge"),
        of("gmres: restart 0", IAE, () -> LinearSolvers.gmres().withRestart(0), "gmres", "restart"),
        of("lu: minReciprocalCondition NaN", IAE, () -> LinearSolvers.lu().withMinReciprocalCondition(NAN), "lu", "minReciprocalCondition"),
        of("plusIdentity: NaN", IAE, () -> A.plusIdentity(NAN), "plusIdentity", "NaN"),
        of("jacobi: zero on the diagonal", IAE, () -> Preconditioners.jacobi(Tensor.of(0, 1)), "Preconditioners.jacobi", "entry 0"),
        of("lbfgs: no pairs", IAE, () -> Preconditioners.lbfgs(List.of(), List.of()), "Preconditioners.lbfgs", "at least one pair"),
        of("lbfgs: negative curvature", IAE, () -> Preconditioners.lbfgs(List.of(B), List.of(B.neg())), "Preconditioners.lbfgs", "curvature"),
        // singular, indefinite or unconverged systems
        of("lu: singular", SingularMatrixException.class, () -> LinearSolvers.lu().solve(LinearOperator.dense(Tensor.zeros(2, 2)), B), "singular"),
        of("cholesky: indefinite", SingularMatrixException.class, () -> LinearSolvers.cholesky().solve(LinearOperator.dense(Tensor.of(new double[][] {{1, 0}, {0, -1}})), B), "Cholesky", "positive definite"),
        of("cg: indefinite", SingularMatrixException.class, () -> LinearSolvers.cg().solve(LinearOperator.dense(Tensor.of(new double[][] {{1, 0}, {0, -1}})), B), "cg", "curvature"),
        of("gmres: singular", SingularMatrixException.class, () -> LinearSolvers.gmres().solve(LinearOperator.dense(Tensor.zeros(2, 2)), B), "gmres", "singular"),
        of("bicgstab: singular, no convergence", NotConvergedException.class, () -> LinearSolvers.bicgstab().solve(LinearOperator.dense(Tensor.zeros(2, 2)), B), "bicgstab", "no convergence"),
        of("cg: nonsymmetric, no convergence", NotConvergedException.class, () -> LinearSolvers.cg().solve(LinearOperator.dense(Tensor.of(new double[][] {{1, 2}, {0, 1}})), B), "cg", "no convergence"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void failsClearly(String name, BadInput probe) {
    probe.check();
  }
}
