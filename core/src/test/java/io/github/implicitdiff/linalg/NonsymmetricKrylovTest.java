package io.github.implicitdiff.linalg;

import static io.github.implicitdiff.linalg.TestProblems.*;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BiCGSTAB and normal CG: accuracy against the reference, options, and their failure modes. */
class NonsymmetricKrylovTest {

  @ParameterizedTest @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void bicgstabAndNormalCgMatchReferenceOnRandomNonsymmetric(long seed) {
    var rng = new Random(seed);
    int n = 20 + rng.nextInt(30);
    double[][] a = nonsymmetric(rng, n);
    Tensor b = randomVector(rng, n);
    double[] reference = referenceSolve(a, b.toDoubleArray());
    for (LinearSolver solver : new LinearSolver[] {LinearSolvers.bicgstab(), LinearSolvers.normalCg()}) {
      LinearSolution s = solver.solve(LinearOperator.dense(Tensor.of(a)), b);
      assertTrue(s.converged());
      assertEquals(relativeResidual(a, s.x().toDoubleArray(), b.toDoubleArray()), s.relativeResidual(), 1e-12);
      assertTrue(s.relativeResidual() <= 1e-10, s.method() + " " + s.relativeResidual());
      assertTrue(relativeError(s.x().toDoubleArray(), reference) < 1e-8, s.method() + " seed " + seed);
    }
  }

  @Test
  void matrixFreeNonsymmetricOperator() {
    // convection–diffusion stencil: 2.5 u_i − 1.2 u_{i−1} − 0.8 u_{i+1}, with its transpose as a lambda too
    int n = 40;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) { a[i][i] = 2.5; if (i > 0) a[i][i - 1] = -1.2; if (i < n - 1) a[i][i + 1] = -0.8; }
    LinearOperator A = LinearOperator.of(n,
        v -> Tensor.of(matvec(a, v.toDoubleArray())),
        v -> Tensor.of(matvec(transpose(a), v.toDoubleArray())), false);
    Tensor b = randomVector(new Random(5), n);
    double[] reference = referenceSolve(a, b.toDoubleArray());
    for (LinearSolver solver : new LinearSolver[] {LinearSolvers.bicgstab(), LinearSolvers.normalCg(), LinearSolvers.gmres()})
      assertTrue(relativeError(solver.solve(A, b).x().toDoubleArray(), reference) < 1e-8);
  }

  @Test
  void ridgeSolvesShiftedSystem() {
    var rng = new Random(9);
    int n = 15;
    double[][] a = nonsymmetric(rng, n);
    Tensor b = randomVector(rng, n);
    double eps = 0.5;
    double[][] shifted = new double[n][];
    for (int i = 0; i < n; i++) { shifted[i] = a[i].clone(); shifted[i][i] += eps; }
    double[] reference = referenceSolve(shifted, b.toDoubleArray());
    LinearOperator A = LinearOperator.dense(Tensor.of(a));
    assertTrue(relativeError(LinearSolvers.bicgstab().withRidge(eps).solve(A, b).x().toDoubleArray(), reference) < 1e-8);
    assertTrue(relativeError(LinearSolvers.normalCg().withRidge(eps).solve(A, b).x().toDoubleArray(), reference) < 1e-8);
    assertTrue(relativeError(LinearSolvers.gmres().solve(A.plusIdentity(eps), b).x().toDoubleArray(), reference) < 1e-8);
  }

  @Test
  void jacobiPreconditionerReducesBicgstabIterations() {
    int n = 60;
    double[][] a = new double[n][n];
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = Math.pow(10, 5.0 * i / (n - 1));
      a[i][i] = d[i];
      if (i > 0) a[i][i - 1] = 0.3;
      if (i < n - 1) a[i][i + 1] = -0.2;
    }
    LinearOperator A = LinearOperator.dense(Tensor.of(a));
    Tensor b = Tensor.ones(n);
    LinearSolution plain = LinearSolvers.bicgstab().reporting().solve(A, b);
    LinearSolution jacobi = LinearSolvers.bicgstab().withPreconditioner(Preconditioners.jacobi(Tensor.of(d))).solve(A, b);
    assertTrue(jacobi.iterations() < plain.iterations() / 2, jacobi.iterations() + " vs " + plain.iterations());
    assertTrue(relativeError(jacobi.x().toDoubleArray(), referenceSolve(a, b.toDoubleArray())) < 1e-9);
  }

  @Test
  void reportingModeReturnsUnconvergedSolution() {
    for (IterativeSolver<?> solver : new IterativeSolver<?>[] {LinearSolvers.bicgstab(), LinearSolvers.normalCg()}) {
      LinearSolution s = solver.withMaxIterations(2).reporting().solve(laplacian(50), Tensor.ones(50));
      assertFalse(s.converged());
      assertEquals(2, s.iterations());
      assertEquals(relativeResidual(laplacianMatrix(50), s.x().toDoubleArray(), Tensor.ones(50).toDoubleArray()),
          s.relativeResidual(), 1e-12);
    }
  }

  @Test
  void requirementFlags() {
    assertTrue(LinearSolvers.normalCg().requiresTranspose());
    assertFalse(LinearSolvers.normalCg().requiresSymmetric());
    assertFalse(LinearSolvers.bicgstab().requiresTranspose() || LinearSolvers.bicgstab().requiresSymmetric());
  }

  // ------------------------------------------------------------------ one assertThrows per failure mode

  @Test
  void bicgstabNotConvergedThrows() {
    assertThrows(NotConvergedException.class, () -> LinearSolvers.bicgstab().withMaxIterations(2).solve(laplacian(50), Tensor.ones(50)));
  }

  @Test
  void normalCgNotConvergedThrows() {
    assertThrows(NotConvergedException.class, () -> LinearSolvers.normalCg().withMaxIterations(2).solve(laplacian(50), Tensor.ones(50)));
  }

  @Test
  void normalCgOnOperatorWithoutTransposeThrows() {
    LinearOperator noTranspose = LinearOperator.of(3, v -> v.mul(2), null, false);
    var e = assertThrows(UnsupportedOperationException.class, () -> LinearSolvers.normalCg().solve(noTranspose, Tensor.ones(3)));
    assertTrue(e.getMessage().contains("normalCg") && e.getMessage().contains("gmres"), e.getMessage());
  }

  @Test
  void bicgstabOnSingularInconsistentSystemThrows() {
    LinearOperator singular = LinearOperator.dense(Tensor.of(new double[][] {{1, 0}, {0, 0}}));
    assertThrows(NotConvergedException.class, () -> LinearSolvers.bicgstab().solve(singular, Tensor.of(1, 1)));
  }

  @Test
  void normalCgOnSingularInconsistentSystemThrows() {
    LinearOperator singular = LinearOperator.dense(Tensor.of(new double[][] {{1, 0}, {0, 0}}));
    assertThrows(SingularMatrixException.class, () -> LinearSolvers.normalCg().solve(singular, Tensor.of(1, 1)));
  }

  @Test
  void infinityInRightHandSideThrows() {
    assertThrows(NonFiniteException.class,
        () -> LinearSolvers.bicgstab().solve(laplacian(3), Tensor.of(1, Double.POSITIVE_INFINITY, 0)));
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
    return t;
  }
}
