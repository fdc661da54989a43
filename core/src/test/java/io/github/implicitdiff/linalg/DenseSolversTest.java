package io.github.implicitdiff.linalg;

import static io.github.implicitdiff.linalg.TestProblems.*;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lu, Cholesky and their LinearSolver wrappers against the reference elimination. */
class DenseSolversTest {

  @ParameterizedTest @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void luSolvesAndTransposeSolvesMatchReference(long seed) {
    var rng = new Random(seed);
    int n = 5 + rng.nextInt(40);
    double[][] a = gaussian(rng, n); // random, nonsymmetric, needs pivoting
    Tensor b = randomVector(rng, n);
    Lu lu = Lu.factor(Tensor.of(a));
    assertTrue(relativeError(lu.solve(b).toDoubleArray(), referenceSolve(a, b.toDoubleArray())) < 1e-9, "seed " + seed);
    double[][] at = new double[n][n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) at[i][j] = a[j][i];
    assertTrue(relativeError(lu.solveTranspose(b).toDoubleArray(), referenceSolve(at, b.toDoubleArray())) < 1e-9);
    assertTrue(lu.reciprocalCondition() > 0 && lu.reciprocalCondition() <= 1);
  }

  @Test
  void luDeterminantAndConditionOnKnownMatrix() {
    Lu lu = Lu.factor(Tensor.of(new double[][] {{0, 2}, {3, 1}})); // needs a row swap
    assertEquals(-6, lu.determinant(), 1e-14);
    // ‖A‖₁ over columns: |0|+|3| = 3, |2|+|1| = 3; A⁻¹ = [[-1/6, 1/3], [1/2, 0]], ‖A⁻¹‖₁ = max(2/3, 1/3) = 2/3
    assertEquals(1 / (3 * (2.0 / 3)), lu.reciprocalCondition(), 1e-12);
    assertArrayEquals(new double[] {1.0 / 3, 1}, lu.solve(Tensor.of(2, 2)).toDoubleArray(), 1e-15);
  }

  @ParameterizedTest @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void choleskyMatchesReferenceAndReconstructsMatrix(long seed) {
    var rng = new Random(seed);
    int n = 5 + rng.nextInt(40);
    double[][] a = spd(rng, n, 0.3);
    Tensor b = randomVector(rng, n);
    Cholesky c = Cholesky.factor(Tensor.of(a));
    assertTrue(relativeError(c.solve(b).toDoubleArray(), referenceSolve(a, b.toDoubleArray())) < 1e-9);
    Tensor l = c.lower();
    assertTrue(l.matmul(l.T()).allClose(Tensor.of(a), 1e-12));
    Lu lu = Lu.factor(Tensor.of(a));
    assertEquals(Math.log(lu.determinant()), c.logDeterminant(), 1e-9 * Math.max(1, Math.abs(c.logDeterminant())));
  }

  @ParameterizedTest @ValueSource(longs = {1, 2, 3})
  void solverWrappersAgreeWithKrylovAndReportResidual(long seed) {
    var rng = new Random(seed);
    int n = 25;
    double[][] spd = spd(rng, n, 0.5);
    double[][] general = nonsymmetric(rng, n);
    Tensor b = randomVector(rng, n);
    LinearSolution lu = LinearSolvers.lu().solve(LinearOperator.dense(Tensor.of(general)), b);
    LinearSolution gmres = LinearSolvers.gmres().solve(LinearOperator.dense(Tensor.of(general)), b);
    assertTrue(lu.x().allClose(gmres.x(), 1e-8));
    assertEquals(0, lu.iterations());
    assertTrue(lu.converged() && lu.relativeResidual() < 1e-13);
    assertEquals(relativeResidual(general, lu.x().toDoubleArray(), b.toDoubleArray()), lu.relativeResidual(), 1e-14);
    LinearSolution chol = LinearSolvers.cholesky().solve(LinearOperator.dense(Tensor.of(spd)), b);
    LinearSolution cg = LinearSolvers.cg().solve(LinearOperator.dense(Tensor.of(spd)), b);
    assertTrue(chol.x().allClose(cg.x(), 1e-8));
    assertEquals("cholesky", chol.method());
  }

  @Test
  void matrixFreeOperatorIsDensified() {
    int n = 30;
    Tensor b = randomVector(new Random(4), n);
    double[] reference = referenceSolve(laplacianMatrix(n), b.toDoubleArray());
    assertTrue(relativeError(LinearSolvers.lu().solve(laplacian(n), b).x().toDoubleArray(), reference) < 1e-10);
    assertTrue(relativeError(LinearSolvers.cholesky().solve(laplacian(n), b).x().toDoubleArray(), reference) < 1e-10);
  }

  @Test
  void ridgeSolvesShiftedSystem() {
    double[][] singular = {{1, 1}, {1, 1}};
    double eps = 0.25; // (A + εI) = [[1.25, 1], [1, 1.25]]
    double[] reference = referenceSolve(new double[][] {{1.25, 1}, {1, 1.25}}, new double[] {1, 2});
    LinearOperator A = LinearOperator.dense(Tensor.of(singular));
    assertArrayEquals(reference, LinearSolvers.lu().withRidge(eps).solve(A, Tensor.of(1, 2)).x().toDoubleArray(), 1e-12);
    assertArrayEquals(reference, LinearSolvers.cholesky().withRidge(eps).solve(A, Tensor.of(1, 2)).x().toDoubleArray(), 1e-12);
    assertArrayEquals(reference, LinearSolvers.lu().solve(A.plusIdentity(eps), Tensor.of(1, 2)).x().toDoubleArray(), 1e-12);
  }

  @Test
  void requirementFlags() {
    assertTrue(LinearSolvers.cholesky().requiresSymmetric());
    assertFalse(LinearSolvers.cholesky().requiresTranspose());
    assertFalse(LinearSolvers.lu().requiresSymmetric() || LinearSolvers.lu().requiresTranspose());
  }

  // ------------------------------------------------------------------ one assertThrows per failure mode

  @Test
  void exactlySingularLuNamesThePivot() {
    var e = assertThrows(SingularMatrixException.class, () -> Lu.factor(Tensor.of(new double[][] {{1, 2}, {2, 4}})));
    assertTrue(e.getMessage().contains("pivot 1"), e.getMessage());
  }

  @Test
  void numericallySingularLuThrowsOnConditionEstimate() {
    // rank 2 up to rounding: third row = first + second (with inexact decimal fractions)
    double[][] a = {{0.1, 0.7, 0.3}, {0.2, 0.35, 0.9}, {0.3, 1.05, 1.2}};
    var e = assertThrows(SingularMatrixException.class, () -> LinearSolvers.lu().solve(LinearOperator.dense(Tensor.of(a)), Tensor.ones(3)));
    assertTrue(e.getMessage().contains("singular"), e.getMessage());
  }

  @Test
  void nonPositiveDefiniteCholeskyNamesThePivot() {
    var e = assertThrows(SingularMatrixException.class, () -> Cholesky.factor(Tensor.of(new double[][] {{4, 2}, {2, -1}})));
    assertTrue(e.getMessage().contains("not positive definite at pivot 1"), e.getMessage());
  }

  @Test
  void nonSymmetricCholeskyThrows() {
    assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(Tensor.of(new double[][] {{4, 1}, {0, 3}})));
  }

  @Test
  void shapeMismatchThrows() {
    assertThrows(ShapeException.class, () -> LinearSolvers.lu().solve(laplacian(4), Tensor.ones(5)));
  }

  @Test
  void nonSquareMatrixThrows() {
    assertThrows(ShapeException.class, () -> Lu.factor(Tensor.zeros(2, 3)));
  }

  @Test
  void nanInRightHandSideThrows() {
    Lu lu = Lu.factor(Tensor.eye(2));
    assertThrows(NonFiniteException.class, () -> lu.solve(Tensor.of(Double.NaN, 1)));
  }

  @Test
  void nanInMatrixThrows() {
    assertThrows(NonFiniteException.class, () -> Cholesky.factor(Tensor.of(new double[][] {{1, Double.NaN}, {Double.NaN, 1}})));
  }

  /** Threshold 0 skips the condition estimate; asking for it later gives the value a thresholded factorization computed. */
  @Test
  void luConditionEstimateIsTheSameWhenComputedLazily() {
    var rng = new Random(11);
    double[][] a = gaussian(rng, 30);
    assertEquals(Lu.factor(Tensor.of(a)).reciprocalCondition(), Lu.factor(Tensor.of(a), 0).reciprocalCondition(), 0);
    assertThrows(SingularMatrixException.class, () -> Lu.factor(new double[][] {{1, 1}, {1, 1 + 1e-16}}, 1e-14));
  }

  /** The row-array entry point and the sparse pivot-row updates give the same factors as the tensor path and the reference. */
  @ParameterizedTest @ValueSource(longs = {1, 2, 3})
  void luOfRowsAndOfSparseMatricesMatchesReference(long seed) {
    var rng = new Random(seed);
    int n = 40;
    double[][] a = new double[n][n]; // sparse, nonsymmetric: a diagonal, a few random entries per row
    for (int i = 0; i < n; i++) {
      a[i][i] = 0.1 + rng.nextDouble();
      for (int t = 0; t < 3; t++) a[i][rng.nextInt(n)] += rng.nextGaussian();
    }
    Tensor b = randomVector(rng, n);
    Lu rows = Lu.factor(a, 0), tensor = Lu.factor(Tensor.of(a), 0);
    assertArrayEquals(tensor.solve(b).toDoubleArray(), rows.solve(b).toDoubleArray(), 0);
    assertTrue(relativeError(rows.solve(b).toDoubleArray(), referenceSolve(a, b.toDoubleArray())) < 1e-9, "seed " + seed);
    assertThrows(NonFiniteException.class, () -> Lu.factor(new double[][] {{1, Double.NaN}, {0, 1}}, 0));
    assertThrows(ShapeException.class, () -> Lu.factor(new double[][] {{1, 0}, {0}}, 0));
  }
}
