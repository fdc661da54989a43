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

class KrylovSolversTest {

  @ParameterizedTest @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void cgMatchesReferenceOnRandomSpd(long seed) {
    var rng = new Random(seed);
    int n = 20 + rng.nextInt(20);
    double[][] a = spd(rng, n, 0.5);
    Tensor b = randomVector(rng, n);
    LinearSolution s = LinearSolvers.cg().solve(LinearOperator.dense(Tensor.of(a)), b);
    assertTrue(s.converged());
    assertEquals("cg", s.method());
    assertTrue(s.iterations() > 0 && s.iterations() <= n + 5, "iterations " + s.iterations());
    assertEquals(relativeResidual(a, s.x().toDoubleArray(), b.toDoubleArray()), s.relativeResidual(), 1e-12);
    assertTrue(s.relativeResidual() <= 1e-10);
    assertTrue(relativeError(s.x().toDoubleArray(), referenceSolve(a, b.toDoubleArray())) < 1e-8, "seed " + seed);
  }

  @ParameterizedTest @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void gmresMatchesReferenceOnRandomNonsymmetric(long seed) {
    var rng = new Random(seed);
    int n = 20 + rng.nextInt(40);
    double[][] a = nonsymmetric(rng, n);
    Tensor b = randomVector(rng, n);
    for (Gmres gmres : new Gmres[] {LinearSolvers.gmres(), LinearSolvers.gmres().withRestart(5)}) {
      LinearSolution s = gmres.solve(LinearOperator.dense(Tensor.of(a)), b);
      assertTrue(s.converged());
      assertTrue(relativeResidual(a, s.x().toDoubleArray(), b.toDoubleArray()) <= 1e-10);
      assertTrue(relativeError(s.x().toDoubleArray(), referenceSolve(a, b.toDoubleArray())) < 1e-8, "seed " + seed);
    }
  }

  @Test
  void matrixFreeLaplacianWithCgAndGmres() {
    int n = 50;
    Tensor b = randomVector(new Random(7), n);
    double[] reference = referenceSolve(laplacianMatrix(n), b.toDoubleArray());
    LinearSolution cg = LinearSolvers.cg().solve(laplacian(n), b);
    LinearSolution gmres = LinearSolvers.gmres().withRestart(60).solve(laplacian(n), b);
    assertTrue(relativeError(cg.x().toDoubleArray(), reference) < 1e-8);
    assertTrue(relativeError(gmres.x().toDoubleArray(), reference) < 1e-8);
    assertTrue(cg.iterations() <= n + 5, "CG converges in about n steps, took " + cg.iterations());
  }

  @Test
  void initialGuessIsUsed() {
    var rng = new Random(3);
    double[][] a = spd(rng, 15, 1);
    Tensor b = randomVector(rng, 15);
    Tensor exact = Tensor.of(referenceSolve(a, b.toDoubleArray()));
    LinearSolution s = LinearSolvers.cg().solve(LinearOperator.dense(Tensor.of(a)), b, exact);
    assertEquals(0, s.iterations());
    assertTrue(s.converged());
  }

  @ParameterizedTest @ValueSource(longs = {1, 2, 3})
  void fromZeroCgSpendsOneProductPerIterationPlusTheFinalResidual(long seed) {
    var rng = new Random(seed);
    int n = 30;
    double[][] a = spd(rng, n, 0.5);
    Tensor b = randomVector(rng, n);
    int[] products = {0};
    LinearOperator counted = LinearOperator.symmetric(n, v -> {
      products[0]++;
      return Tensor.of(matvec(a, v.toDoubleArray()));
    });
    LinearSolution s = LinearSolvers.cg().solve(counted, b);
    assertTrue(s.converged());
    // x0 = 0: the first residual is b without a product; the last is recomputed as b − A x
    assertEquals(s.iterations() + 1, products[0]);
    products[0] = 0;
    LinearSolution warm = LinearSolvers.cg().solve(counted, b, b.mul(0.01));
    assertEquals(warm.iterations() + 2, products[0], "a nonzero x0 costs one product for its residual");
    assertTrue(relativeError(warm.x().toDoubleArray(), referenceSolve(a, b.toDoubleArray())) < 1e-8);
  }

  @Test
  void zeroRightHandSideReturnsZeroAtOnce() {
    LinearOperator explodes = LinearOperator.symmetric(3, v -> { throw new AssertionError("no product expected"); });
    for (LinearSolver solver : new LinearSolver[] {LinearSolvers.cg(), LinearSolvers.gmres()}) {
      LinearSolution s = solver.solve(explodes, Tensor.zeros(3), Tensor.ones(3));
      assertEquals(0, s.x().maxAbs());
      assertEquals(0, s.iterations());
      assertTrue(s.converged());
    }
  }

  @Test
  void ridgeSolvesShiftedSystem() {
    var rng = new Random(11);
    int n = 12;
    double[][] a = spd(rng, n, 0.2);
    Tensor b = randomVector(rng, n);
    double eps = 0.7;
    double[][] shifted = new double[n][];
    for (int i = 0; i < n; i++) { shifted[i] = a[i].clone(); shifted[i][i] += eps; }
    double[] reference = referenceSolve(shifted, b.toDoubleArray());
    LinearOperator A = LinearOperator.dense(Tensor.of(a));
    assertTrue(relativeError(LinearSolvers.cg().withRidge(eps).solve(A, b).x().toDoubleArray(), reference) < 1e-8);
    assertTrue(relativeError(LinearSolvers.gmres().withRidge(eps).solve(A, b).x().toDoubleArray(), reference) < 1e-8);
  }

  @Test
  void jacobiPreconditionerReducesIterationsOnBadlyScaledDiagonal() {
    int n = 60;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = Math.pow(10, 6.0 * i / (n - 1)); // condition number 1e6
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) { a[i][i] = d[i]; if (i > 0) { a[i][i - 1] = 0.1; a[i - 1][i] = 0.1; } }
    LinearOperator A = LinearOperator.dense(Tensor.of(a));
    Tensor b = Tensor.ones(n);
    Preconditioner jacobi = Preconditioners.jacobi(Tensor.of(d));
    LinearSolution plainCg = LinearSolvers.cg().reporting().solve(A, b);
    LinearSolution jacobiCg = LinearSolvers.cg().withPreconditioner(jacobi).solve(A, b);
    LinearSolution plainGmres = LinearSolvers.gmres().reporting().solve(A, b);
    LinearSolution jacobiGmres = LinearSolvers.gmres().withPreconditioner(jacobi).solve(A, b);
    assertTrue(jacobiCg.iterations() < plainCg.iterations() / 2, jacobiCg.iterations() + " vs " + plainCg.iterations());
    assertTrue(jacobiGmres.iterations() < plainGmres.iterations() / 2, jacobiGmres.iterations() + " vs " + plainGmres.iterations());
    double[] reference = referenceSolve(a, b.toDoubleArray());
    assertTrue(relativeError(jacobiCg.x().toDoubleArray(), reference) < 1e-9);
    assertTrue(relativeError(jacobiGmres.x().toDoubleArray(), reference) < 1e-9);
  }

  @Test
  void reportingModeReturnsUnconvergedSolution() {
    LinearSolution s = LinearSolvers.cg().withMaxIterations(2).reporting().solve(laplacian(40), Tensor.ones(40));
    assertFalse(s.converged());
    assertEquals(2, s.iterations());
    double[] x = s.x().toDoubleArray();
    assertEquals(relativeResidual(laplacianMatrix(40), x, Tensor.ones(40).toDoubleArray()), s.relativeResidual(), 1e-12);
    assertTrue(s.relativeResidual() > 1e-3);
    LinearSolution g = LinearSolvers.gmres().withMaxIterations(2).reporting().solve(laplacian(40), Tensor.ones(40));
    assertFalse(g.converged());
    assertEquals(2, g.iterations());
    assertThrows(NotConvergedException.class, g::orThrow);
  }

  @Test
  void withersDoNotModifyTheOriginal() {
    ConjugateGradient cg = LinearSolvers.cg();
    ConjugateGradient tight = cg.withTol(1e-3).withMaxIterations(7).withRidge(2).reporting();
    assertEquals(IterativeSolver.DEFAULT_TOL, cg.tol());
    assertEquals(0, cg.ridge());
    assertFalse(cg.isReporting());
    assertEquals(100, cg.maxIterations(5));
    assertEquals(7, tight.maxIterations(5));
    assertTrue(cg.requiresSymmetric() && !cg.requiresTranspose());
    assertFalse(LinearSolvers.gmres().requiresSymmetric() || LinearSolvers.gmres().requiresTranspose());
  }

  // ------------------------------------------------------------------ one assertThrows per failure mode

  @Test
  void notConvergedThrowsWithIterationsAndResidual() {
    var e = assertThrows(NotConvergedException.class,
        () -> LinearSolvers.cg().withMaxIterations(2).solve(laplacian(40), Tensor.ones(40)));
    assertTrue(e.getMessage().contains("after 2 iterations") && e.getMessage().contains("maxIterations"), e.getMessage());
  }

  @Test
  void gmresNotConvergedThrows() {
    assertThrows(NotConvergedException.class,
        () -> LinearSolvers.gmres().withMaxIterations(2).solve(laplacian(40), Tensor.ones(40)));
  }

  @Test
  void cgOnIndefiniteOperatorThrows() {
    LinearOperator indefinite = LinearOperator.dense(Tensor.of(new double[][] {{1, 0}, {0, -1}}));
    var e = assertThrows(SingularMatrixException.class, () -> LinearSolvers.cg().solve(indefinite, Tensor.of(1, 1)));
    assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
  }

  @Test
  void gmresOnSingularInconsistentSystemThrows() {
    LinearOperator singular = LinearOperator.dense(Tensor.of(new double[][] {{1, 0}, {0, 0}}));
    assertThrows(SingularMatrixException.class, () -> LinearSolvers.gmres().solve(singular, Tensor.of(1, 1)));
  }

  @Test
  void gmresStagnationIsReported() {
    // cyclic shift: GMRES(1) makes no progress from b = e₁ (a classical stagnation example)
    int n = 6;
    double[][] shift = new double[n][n];
    for (int i = 0; i < n; i++) shift[(i + 1) % n][i] = 1;
    double[] e1 = new double[n];
    e1[0] = 1;
    var e = assertThrows(NotConvergedException.class,
        () -> LinearSolvers.gmres().withRestart(2).solve(LinearOperator.dense(Tensor.of(shift)), Tensor.of(e1)));
    assertTrue(e.getMessage().contains("stagnated"), e.getMessage());
  }

  @Test
  void shapeMismatchThrows() {
    assertThrows(ShapeException.class, () -> LinearSolvers.cg().solve(laplacian(5), Tensor.ones(4)));
  }

  @Test
  void nanInRightHandSideThrows() {
    assertThrows(NonFiniteException.class, () -> LinearSolvers.gmres().solve(laplacian(3), Tensor.of(1, Double.NaN, 0)));
  }

  @Test
  void nonFiniteOperatorOutputThrows() {
    LinearOperator bad = LinearOperator.symmetric(2, v -> v.mul(Double.POSITIVE_INFINITY));
    assertThrows(NonFiniteException.class, () -> LinearSolvers.cg().solve(bad, Tensor.of(1, 2)));
  }

  @Test
  void operatorReturningWrongShapeThrows() {
    LinearOperator bad = LinearOperator.symmetric(2, v -> Tensor.ones(3));
    assertThrows(ShapeException.class, () -> LinearSolvers.gmres().solve(bad, Tensor.of(1, 2)));
  }
}
