package io.github.implicitdiff.linalg;

import static io.github.implicitdiff.linalg.TestProblems.*;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * (n, k) right-hand sides of {@link Lu#solve}, {@link Lu#solveTranspose}, {@link Cholesky#solve} and
 * {@link LinearSolver#solveColumns}: each column equals its own vector solve and the reference elimination.
 */
class MatrixRightHandSideTest {

  /** B (n, k) with Gaussian entries. */
  static Tensor columns(Random rng, int n, int k) {
    return Tensor.randn(rng, n, k);
  }

  /** solve applied to each column of B separately, stacked: the vector path the matrix path must reproduce. */
  static Tensor byColumn(UnaryOperator<Tensor> solve, Tensor B) {
    Tensor[] cols = new Tensor[B.dim(1)];
    for (int j = 0; j < cols.length; j++) cols[j] = solve.apply(B.index(1, j));
    return cols.length == 0 ? Tensor.zeros(B.dim(0), 0) : Tensor.stack(1, cols);
  }

  static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
    return t;
  }

  /** Every column of X against the independent reference elimination of A x = B[:, j]. */
  static void assertSolves(double[][] a, Tensor B, Tensor X, String what) {
    assertArrayEquals(B.shape(), X.shape(), what);
    for (int j = 0; j < B.dim(1); j++) {
      double[] ref = referenceSolve(a, B.index(1, j).toDoubleArray());
      assertTrue(relativeError(X.index(1, j).toDoubleArray(), ref) < 1e-9, what + " column " + j);
    }
  }

  @ParameterizedTest @ValueSource(longs = {1, 2, 3, 4, 5})
  void luSolvesEveryColumnInOnePass(long seed) {
    var rng = new Random(seed);
    int n = 1 + rng.nextInt(30), k = rng.nextInt(6);
    double[][] a = gaussian(rng, n);
    Tensor B = columns(rng, n, k);
    Lu lu = Lu.factor(Tensor.of(a));
    Tensor X = lu.solve(B), Y = lu.solveTranspose(B);
    assertSolves(a, B, X, "solve, seed " + seed);
    assertSolves(transpose(a), B, Y, "solveTranspose, seed " + seed);
    // the same row operations in the same order as the vector solves: equal to the last bit
    assertArrayEquals(byColumn(lu::solve, B).toDoubleArray(), X.toDoubleArray(), 0);
    assertArrayEquals(byColumn(lu::solveTranspose, B).toDoubleArray(), Y.toDoubleArray(), 0);
  }

  @ParameterizedTest @ValueSource(longs = {1, 2, 3, 4, 5})
  void choleskySolvesEveryColumnInOnePass(long seed) {
    var rng = new Random(seed);
    int n = 1 + rng.nextInt(30), k = rng.nextInt(6);
    double[][] a = spd(rng, n, 0.3);
    Tensor B = columns(rng, n, k);
    Cholesky c = Cholesky.factor(Tensor.of(a));
    Tensor X = c.solve(B);
    assertSolves(a, B, X, "seed " + seed);
    assertArrayEquals(byColumn(c::solve, B).toDoubleArray(), X.toDoubleArray(), 0);
  }

  @Test
  void theInverseOfAKnownMatrix() {
    // A = [[2, 1], [-1, 3]], det 7, A⁻¹ = [[3, -1], [1, 2]] / 7
    Lu lu = Lu.factor(Tensor.of(new double[][] {{2, 1}, {-1, 3}}));
    assertTrue(lu.solve(Tensor.eye(2)).allClose(Tensor.of(new double[][] {{3, -1}, {1, 2}}).div(7), 1e-15));
    assertTrue(lu.solveTranspose(Tensor.eye(2)).allClose(Tensor.of(new double[][] {{3, 1}, {-1, 2}}).div(7), 1e-15));
    // A = [[4, 1], [1, 3]], det 11, A⁻¹ = [[3, -1], [-1, 4]] / 11
    Cholesky c = Cholesky.factor(Tensor.of(new double[][] {{4, 1}, {1, 3}}));
    assertTrue(c.solve(Tensor.eye(2)).allClose(Tensor.of(new double[][] {{3, -1}, {-1, 4}}).div(11), 1e-15));
  }

  @ParameterizedTest @ValueSource(longs = {1, 2, 3})
  void linearSolversSolveColumnsAgree(long seed) {
    var rng = new Random(seed);
    int n = 12, k = 3;
    double[][] a = spd(rng, n, 0.5);
    Tensor B = columns(rng, n, k);
    LinearOperator A = LinearOperator.dense(Tensor.of(a));
    assertSolves(a, B, LinearSolvers.lu().solveColumns(A, B), "lu");
    assertSolves(a, B, LinearSolvers.cholesky().solveColumns(A, B), "cholesky");
    assertSolves(a, B, LinearSolvers.cg().withTol(1e-12).solveColumns(A, B), "cg (column by column)");
    assertSolves(a, B, LinearSolvers.gmres().withTol(1e-12).solveColumns(A, B), "gmres (column by column)");
    // the ridge applies to every column: (A + εI) X = B
    double[][] ridged = new double[n][];
    for (int i = 0; i < n; i++) {
      ridged[i] = a[i].clone();
      ridged[i][i] += 0.7;
    }
    assertSolves(ridged, B, LinearSolvers.lu().withRidge(0.7).solveColumns(A, B), "lu with ridge");
    // a matrix-free operator is densified once
    LinearOperator free = LinearOperator.of(n, v -> A.apply(v), v -> A.applyTranspose(v), true);
    assertSolves(a, B, LinearSolvers.cholesky().solveColumns(free, B), "cholesky, matrix-free A");
  }

  @Test
  void theDifferentiableDenseSolveStillDifferentiatesInAMatrixB() {
    var rng = new Random(7);
    double[][] a = gaussian(rng, 4);
    Tensor A = Tensor.of(a), B = columns(rng, 4, 2);
    // X = A⁻¹B is linear in B: its Jacobian in B, applied to a direction V, is A⁻¹V
    Tensor V = columns(rng, 4, 2);
    Tensor jvp = AD.jvp(b -> DenseSolve.solve(A, b), B, V).tangent()[0];
    assertSolves(a, V, jvp, "JVP in B");
  }

  @Test
  void badRightHandSidesAreNamed() {
    Lu lu = Lu.factor(Tensor.eye(3));
    Cholesky c = Cholesky.factor(Tensor.eye(3));
    var e = assertThrows(ShapeException.class, () -> lu.solve(Tensor.zeros(4, 2)));
    assertTrue(e.getMessage().contains("Lu.solve") && e.getMessage().contains("(3, k)"), e.getMessage());
    assertThrows(ShapeException.class, () -> lu.solveTranspose(Tensor.zeros(3, 2, 1)));
    assertThrows(ShapeException.class, () -> c.solve(Tensor.zeros(2, 3)));
    Tensor nan = Tensor.of(new double[][] {{0, 1}, {2, 3}, {4, Double.NaN}});
    var f = assertThrows(NonFiniteException.class, () -> c.solve(nan));
    assertTrue(f.getMessage().contains("Cholesky.solve") && f.getMessage().contains("(2, 1)"), f.getMessage());
    var g = assertThrows(ShapeException.class, () -> LinearSolvers.lu().solveColumns(LinearOperator.dense(Tensor.eye(3)), Tensor.zeros(3)));
    assertTrue(g.getMessage().contains("(3, k)"), g.getMessage());
    assertThrows(ShapeException.class, () -> LinearSolvers.cg().solveColumns(LinearOperator.dense(Tensor.eye(3)), Tensor.zeros(2, 2)));
  }

  @Test
  void anUnconvergedColumnIsNamed() {
    var rng = new Random(11);
    int n = 30;
    LinearOperator A = LinearOperator.dense(Tensor.of(nonsymmetric(rng, n)));
    var e = assertThrows(NotConvergedException.class,
        () -> LinearSolvers.gmres().withMaxIterations(2).withRestart(2).solveColumns(A, columns(rng, n, 2)));
    assertTrue(e.getMessage().contains("column 0 of 2") || e.getMessage().contains("no convergence"), e.getMessage());
  }
}
