package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LbfgsPreconditioner;
import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.LinearSolution;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.linalg.Preconditioner;
import io.github.implicitdiff.linalg.Preconditioners;
import io.github.implicitdiff.linalg.WarmStartedSolver;
import io.github.implicitdiff.loss.Losses;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backward solve reuses what the forward solver learned: L-BFGS curvature pairs precondition its CG,
 * and a warm-started linear solver starts each backward solve of a hyperparameter loop from the last
 * adjoint. Both give the plain derivative (to the linear solver's tolerance) in fewer iterations.
 */
class BackwardReuseTest {
  private static final int N = 120, D = 30;

  /** ℓ2-regularised logistic regression with column scales spread over 3 decades, and a validation loss. */
  record Problem(Tensor X, Tensor y, Tensor Xv, Tensor yv) {
    static Problem random(long seed) {
      Random rng = new Random(seed);
      double[] scales = new double[D];
      for (int j = 0; j < D; j++) scales[j] = Math.pow(10, -3.0 * j / (D - 1));
      Tensor scale = Tensor.of(scales), w = Tensor.randn(rng, D).div(scale).div(Math.sqrt(D));
      Tensor X = Tensor.randn(rng, N, D).mul(scale), Xv = Tensor.randn(rng, N / 2, D).mul(scale);
      return new Problem(X, labels(rng, X, w), Xv, labels(rng, Xv, w));
    }

    static Tensor labels(Random rng, Tensor X, Tensor w) {
      double[] p = X.matmul(w).sigmoid().toDoubleArray(), l = new double[p.length];
      for (int i = 0; i < p.length; i++) l[i] = rng.nextDouble() < p[i] ? 1 : 0;
      return Tensor.of(l);
    }

    Objective objective() {
      return (w, th) -> Losses.binaryLogistic(y, X.matmul(w)).mean().add(th[0].mul(w.square().sum()).mul(0.5));
    }

    LBFGS solver(int memory, LinearSolver linearSolver) {
      return LBFGS.of(objective()).withMemory(memory).withLinearSolver(linearSolver)
          .withImplicitOptions(ImplicitOptions.defaults().withSymmetric(true));
    }

    /** (dL/dλ, backward CG iterations). */
    double[] hypergradient(LBFGS solver, double lambda) {
      AtomicInteger iterations = new AtomicInteger();
      LBFGS counted = solver.withImplicitOptions(solver.implicitOptions().withListener(d -> {
        if (d.stage() != ImplicitDiagnostics.Stage.SOLVE) iterations.addAndGet(d.linearSolution().iterations());
      }));
      double g = AD.grad(l -> Losses.binaryLogistic(yv, Xv.matmul(counted.run(Tensor.zeros(D), l).orThrow())).mean(),
          Tensor.scalar(lambda)).item();
      return new double[] {g, iterations.get()};
    }
  }

  private static LinearSolver cg() {
    return LinearSolvers.cg().withTol(1e-12).withMaxIterations(2000);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void curvaturePreconditionerGivesTheSameHypergradientInFewerIterations(long seed) {
    Problem p = Problem.random(seed);
    double[] plain = p.hypergradient(p.solver(D, cg()), 1e-4);
    double[] preconditioned = p.hypergradient(p.solver(D, cg()).withCurvaturePreconditioner(true), 1e-4);
    assertEquals(plain[0], preconditioned[0], 1e-8 * Math.abs(plain[0]), "seed " + seed);
    assertTrue(preconditioned[1] < 0.85 * plain[1], "seed " + seed + ": " + preconditioned[1] + " vs " + plain[1] + " CG iterations");
  }

  @Test
  void curvaturePreconditionedJacobianMatchesTheClosedFormInBothModes() {
    Problem p = Problem.random(4);
    LBFGS solver = p.solver(10, cg()).withCurvaturePreconditioner(true);
    Tensor lam = Tensor.scalar(1e-3);
    Tensor reverse = AD.jacobian(l -> solver.run(Tensor.zeros(D), l).orThrow(), lam, AD.Mode.REVERSE);
    Tensor forward = AD.jacobian(l -> solver.run(Tensor.zeros(D), l).orThrow(), lam, AD.Mode.FORWARD);
    Tensor plain = AD.jacobian(l -> p.solver(10, cg()).run(Tensor.zeros(D), l).orThrow(), lam, AD.Mode.REVERSE);
    SolverTestSupport.assertClose(plain, reverse, 1e-7, "reverse");
    SolverTestSupport.assertClose(plain, forward, 1e-7, "forward");
    // closed form: ∇²f(w*) ∂w/∂λ = −w*, with the dense Hessian
    Tensor w = solver.run(Tensor.zeros(D), lam).orThrow();
    Tensor hessian = AD.hessian(z -> p.objective().apply(z, lam), w);
    SolverTestSupport.assertClose(SolverTestSupport.gauss(hessian, w.neg()), reverse.reshape(-1), 1e-6, "closed form");
  }

  @Test
  void warmStartedLoopGivesTheSameHypergradientsInFewerIterations() {
    Problem p = Problem.random(5);
    LBFGS cold = p.solver(10, cg());
    WarmStartedSolver memory = LinearSolvers.warmStarted(cg());
    LBFGS warm = p.solver(10, memory);
    int coldTotal = 0, warmTotal = 0;
    for (int k = 0; k < 10; k++) {
      double lambda = 1e-3 * Math.pow(1.1, k);
      double[] c = p.hypergradient(cold, lambda), w = p.hypergradient(warm, lambda);
      assertEquals(c[0], w[0], 1e-8 * Math.abs(c[0]), "step " + k);
      coldTotal += (int) c[1];
      warmTotal += (int) w[1];
    }
    assertTrue(warmTotal < coldTotal, warmTotal + " warm vs " + coldTotal + " cold CG iterations");
  }

  @Test
  void warmStartIsSkippedWhenThePreviousSolutionWouldNotHelp() {
    Random rng = new Random(9);
    Tensor M = Tensor.randn(rng, 20, 20);
    LinearOperator A = LinearOperator.dense(M.matmul(M.T()).add(Tensor.eye(20)));
    Tensor b = Tensor.randn(rng, 20);
    WarmStartedSolver warm = LinearSolvers.warmStarted(LinearSolvers.cg());
    LinearSolution first = warm.solve(A, b);
    assertEquals(0, warm.solve(A, b).iterations(), "same system: the stored solution already solves it");
    LinearSolution opposite = warm.solve(A, b.neg()); // x_prev would double the residual: start from zeros
    assertEquals(first.iterations(), opposite.iterations());
    SolverTestSupport.assertClose(first.x().neg(), opposite.x(), 1e-8, "solution");
    warm.reset();
    assertEquals(first.iterations(), warm.solve(A, b).iterations(), "after reset: cold");
  }

  @Test
  void lbfgsPreconditionerSatisfiesTheNewestSecantEquationAndIsPositiveDefinite() {
    Random rng = new Random(3);
    Tensor M = Tensor.randn(rng, 8, 8), A = M.matmul(M.T()).add(Tensor.eye(8));
    List<Tensor> s = List.of(Tensor.randn(rng, 8), Tensor.randn(rng, 8), Tensor.randn(rng, 8));
    List<Tensor> y = s.stream().map(A::matmul).toList();
    Preconditioner H = Preconditioners.lbfgs(s, y);
    SolverTestSupport.assertClose(s.get(2), H.apply(y.get(2)), 1e-10, "H y_k = s_k");
    for (int k = 0; k < 5; k++) {
      Tensor r = Tensor.randn(rng, 8);
      assertTrue(r.vdot(H.apply(r)) > 0, "rᵀHr > 0");
      Tensor q = Tensor.randn(rng, 8);
      assertEquals(q.vdot(H.apply(r)), r.vdot(H.apply(q)), 1e-10, "symmetric");
    }
  }

  /** Following a run pair by pair gives the preconditioner built from the kept pairs, to the bit. */
  @Test
  void lbfgsPreconditionerAppendEqualsBuildingFromTheKeptPairs() {
    Random rng = new Random(5);
    Tensor M = Tensor.randn(rng, 7, 7), A = M.matmul(M.T()).add(Tensor.eye(7));
    for (int memory : new int[] {1, 2, 4}) {
      List<Tensor> s = new java.util.ArrayList<>(), y = new java.util.ArrayList<>();
      LbfgsPreconditioner followed = null;
      for (int k = 0; k < 7; k++) {
        Tensor sk = Tensor.randn(rng, 7), yk = A.matmul(sk);
        s.add(sk);
        y.add(yk);
        if (s.size() > memory) {
          s.remove(0);
          y.remove(0);
        }
        followed = followed == null ? Preconditioners.lbfgs(List.of(sk), List.of(yk)) : followed.append(sk, yk, memory);
        LbfgsPreconditioner built = Preconditioners.lbfgs(s, y);
        assertEquals(s.size(), followed.pairs());
        Tensor r = Tensor.randn(rng, 7);
        assertArrayEquals(built.apply(r).toDoubleArray(), followed.apply(r).toDoubleArray(), 0, "memory " + memory + ", pair " + k);
      }
      LbfgsPreconditioner last = followed;
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> last.append(Tensor.ones(7), Tensor.ones(7).neg(), memory));
      assertTrue(e.getMessage().contains("sᵀy"), e.getMessage());
      assertThrows(NonFiniteException.class, () -> last.append(Tensor.full(Double.NaN, 7), Tensor.ones(7), memory));
      assertThrows(ShapeException.class, () -> last.append(Tensor.ones(6), Tensor.ones(6), memory));
      assertThrows(IllegalArgumentException.class, () -> last.append(Tensor.ones(7), Tensor.ones(7), 0));
    }
  }

  @Test
  void lbfgsPreconditionerRejectsNegativeCurvature() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Preconditioners.lbfgs(List.of(Tensor.of(1, 0)), List.of(Tensor.of(-1, 0))));
    assertTrue(e.getMessage().contains("sᵀy"), e.getMessage());
  }
}
