package io.github.implicitdiff.solver;

import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code Newton.withLineSearch(LineSearch.fullStep())}: Newton's method without a line search. */
class NewtonFullStepTest {
  /** L2-regularised logistic regression on a random problem (n = 120, d = 8, one λ per weight). */
  record Problem(Objective f, Tensor lam, int d) {
    static Problem random(long seed) {
      Random rng = new Random(seed);
      int n = 120, d = 8;
      Tensor X = Tensor.randn(rng, n, d);
      Tensor y = X.matmul(Tensor.randn(rng, d)).add(Tensor.randn(rng, n)).sign();
      return new Problem(LineSearchSolversTest.logistic(X, y), Tensor.uniform(rng, 0.01, 0.1, d), d);
    }
  }

  private static Newton fullSteps(Objective f) {
    return Newton.of(f).withLineSearch(LineSearch.fullStep());
  }

  /** The error after each of {@code steps} single full steps from x. */
  private static double[] errors(Newton newton, Tensor x, Tensor lam, int steps) {
    double[] e = new double[steps + 1];
    e[0] = Guards.relativeRms(newton.optimality().apply(x, lam), x);
    Newton oneStep = newton.withTol(1e-300).withMaxIterations(1);
    for (int k = 1; k <= steps; k++) {
      x = oneStep.run(x, lam).solution();
      e[k] = Guards.relativeRms(newton.optimality().apply(x, lam), x);
    }
    return e;
  }

  @ParameterizedTest
  @EnumSource(Newton.HessianMode.class)
  void convergesQuadraticallyFromZero(Newton.HessianMode mode) {
    for (long seed = 1; seed <= 4; seed++) {
      Problem p = Problem.random(seed);
      double[] e = errors(fullSteps(p.f()).withHessianMode(mode), Tensor.zeros(p.d()), p.lam(), 8);
      int checked = 0;
      for (int k = 0; k + 1 < e.length; k++) {
        if (e[k] > 1e-2 || e[k] < 1e-7) continue; // the local regime, above the rounding floor of the next error
        // e_{k+1} ≤ C e_k² (C = 50 here; the default √‖∇f‖ forcing gives order 1.5, C in the hundreds to 1e4)
        assertTrue(e[k + 1] <= 50 * e[k] * e[k], mode + " seed " + seed + " step " + k + ": " + java.util.Arrays.toString(e));
        checked++;
      }
      assertTrue(checked >= 2, "too few steps in the local regime: " + java.util.Arrays.toString(e));
      assertTrue(e[e.length - 1] < 1e-15, "rounding level: " + java.util.Arrays.toString(e));
    }
  }

  /** Two exact Newton steps x ← x − (∇²f)⁻¹∇f, the Hessian by AD and the system by the tests' own elimination. */
  private static Tensor handWrittenPolish(Objective f, Tensor x, Tensor lam, int steps) {
    for (int i = 0; i < steps; i++) {
      Tensor at = x;
      Tensor H = AD.hessian(z -> f.apply(z, lam), at), g = AD.grad(z -> f.apply(z, lam), at);
      x = x.sub(SolverTestSupport.gauss(H, g)).concrete();
    }
    return x;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void polishesAnLbfgsSolutionLikeTheHandWrittenNewtonSteps(long seed) {
    Problem p = Problem.random(seed);
    Tensor rough = LBFGS.of(p.f()).withTol(1e-6).run(Tensor.zeros(p.d()), p.lam()).orThrow();
    Tensor expected = handWrittenPolish(p.f(), rough, p.lam(), 3);
    for (Newton.HessianMode mode : Newton.HessianMode.values()) {
      SolverResult r = fullSteps(p.f()).withHessianMode(mode).withTol(1e-14).run(rough, p.lam());
      assertTrue(r.converged() && r.iterations() <= 3, mode + ": " + r);
      assertClose(expected, r.solution(), 1e-14, mode + " against the hand-written polish");
      // the line-searched default stops short of that once f's decrease is below its rounding
      assertTrue(r.error() < 1e-15, mode + ": " + r.error());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void derivativesMatchTheLineSearchedNewtonUnrollingAndFiniteDifferences(long seed) {
    Problem p = Problem.random(seed);
    Tensor init = Tensor.zeros(p.d());
    Newton full = fullSteps(p.f()).withTol(1e-12);
    Tensor armijo = AD.jacobian(l -> Newton.of(p.f()).withTol(1e-12).run(init, l).orThrow(), p.lam(), AD.Mode.REVERSE);
    assertClose(armijo, AD.jacobian(l -> full.run(init, l).orThrow(), p.lam(), AD.Mode.REVERSE), 1e-9, "implicit, Armijo vs full");
    Newton unrolled = full.withDifferentiation(Differentiation.UNROLLED);
    SolverTestSupport.checkJacobians(l -> full.run(init, l).orThrow(), l -> unrolled.run(init, l).orThrow(),
        l -> full.withTol(1e-14).run(init, l).orThrow(), p.lam(), 1e-8);
    // reverse-mode unrolling too: the recorded full steps and truncated CG
    assertClose(armijo, AD.jacobian(l -> unrolled.run(init, l).orThrow(), p.lam(), AD.Mode.REVERSE), 1e-8, "unrolled reverse");
  }

  /** Ridge: the closed-form solution; CG stops each system at η_k = ‖∇f‖, so a few steps rather than one. */
  @Test
  void ridgeSolutionMatchesTheClosedForm() {
    SolverTestSupport.Ridge r = SolverTestSupport.Ridge.random(4, 30, 6);
    Tensor lam = Tensor.full(0.2, 6);
    SolverResult res = fullSteps(r.objective()).withHessianMode(Newton.HessianMode.DENSE).withTol(1e-13)
        .run(Tensor.zeros(6), lam);
    assertTrue(res.converged() && res.iterations() <= 5, res.toString());
    assertClose(r.solution(lam), res.solution(), 1e-13, "ridge");
  }

  @Test
  void aStepOutOfTheDomainThrowsNamingTheIteration() {
    // f = Σ x − log x: from x = 3 the Newton step 2x − x² lands on −3, where log is NaN
    Objective f = (x, th) -> x.sub(x.log()).sum();
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> fullSteps(f).run(Tensor.of(3.0, 1.5), new Tensor[0]));
    assertTrue(e.getMessage().contains("iteration 0") && e.getMessage().contains("non-finite"), e.getMessage());
    // the line search stays inside (and from 1.5 the full steps converge: 2x − x² → 1)
    assertClose(Tensor.of(1.0, 1.0), Newton.of(f).run(Tensor.of(3.0, 1.5), new Tensor[0]).orThrow(), 1e-8, "armijo");
    assertClose(Tensor.of(1.0, 1.0), fullSteps(f).run(Tensor.of(1.5, 0.7), new Tensor[0]).orThrow(), 1e-8, "full");
  }

  @Test
  void aDivergingIterationThrowsInsteadOfReportingConvergenceFarAway() {
    // f = Σ √(1 + x²): Newton's map x ↦ −x³ diverges from |x| > 1 while ∇f stays bounded, so rms(∇f)/rms(x)
    // would fall below tol at |x| ≈ 1e14
    Objective f = (x, th) -> x.square().add(1).sqrt().sum();
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> fullSteps(f).run(Tensor.of(1.5, -2.0), new Tensor[0]));
    assertTrue(e.getMessage().contains("diverges") && e.getMessage().contains("LineSearch.armijo()"), e.getMessage());
    assertClose(Tensor.of(0.0, 0.0), fullSteps(f).run(Tensor.of(0.5, -0.7), new Tensor[0]).orThrow(), 1e-12, "|x| < 1");
  }

  @Test
  void onlyNewtonTakesFullSteps() {
    Objective f = SolverTestSupport.Ridge.random(1, 10, 3).objective();
    for (Runnable r : new Runnable[] {() -> LBFGS.of(f).withLineSearch(LineSearch.fullStep()),
        () -> NonlinearConjugateGradient.of(f).withLineSearch(LineSearch.fullStep())}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
      assertTrue(e.getMessage().contains("fullStep() is for Newton"), e.getMessage());
    }
    assertEquals(1, LineSearch.fullStep().maxEvaluations());
  }
}
