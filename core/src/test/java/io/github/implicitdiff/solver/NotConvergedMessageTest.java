package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Degeneracy;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SolverResult#orThrow()} names the solver, its iterations against its budget, the error and the tolerance,
 * and gives the remedies of that solver: a step size only for the methods that have one.
 */
class NotConvergedMessageTest {
  static final Tensor X = Tensor.randn(new java.util.Random(3), 30, 4), Y = Tensor.randn(new java.util.Random(4), 30);
  /** Least squares with a ridge λ = θ: smooth, strongly convex, far from its minimum at 0. */
  static final Objective RIDGE = (w, th) -> X.matmul(w).sub(Y).square().mean().mul(0.5).add(th[0].mul(w.square().sum()).mul(0.5));
  /** A non-quadratic smooth objective (log-sum-exp plus a quadratic), so that Newton needs several iterations. */
  static final Objective CURVED = (w, th) -> X.matmul(w).exp().sum().log().add(w.sub(th[0]).square().sum().mul(0.5));
  static final Tensor W0 = Tensor.full(5, 4), LAMBDA = Tensor.scalar(0.1);

  record Case(String solver, Supplier<SolverResult> run, double tol, List<String> mentions, List<String> absent) {}

  static Stream<Arguments> cases() {
    Optimality cubic = (x, th) -> x.pow(3).add(x).sub(th[0]);
    FixedPointMap slow = (x, th) -> x.mul(0.999).add(th[0]);
    ResidualFunction residual = (x, th) -> Tensor.stack(0, x.index(0, 0).sub(1).mul(10), x.index(0, 0).square().sub(x.index(0, 1)));
    Projection simplex = Projection.simplex();
    List<String> noStep = List.of("step size", "withStepSize", "fixed step");
    return Stream.of(
        new Case("Broyden", () -> Broyden.of(cubic).withMaxIterations(2).run(Tensor.full(3, 2), Tensor.of(2, 10)), 1e-10,
            List.of("LevenbergMarquardt", "start closer", "without a line search"), noStep),
        new Case("GradientDescent", () -> GradientDescent.of(RIDGE).withStepSize(StepSize.fixed(1e-3)).withMaxIterations(5)
            .run(W0, LAMBDA), 1e-8, List.of("fixed step 0.001", "1/L", "withAcceleration(true)"), List.of("line search")),
        new Case("ProximalGradient", () -> ProximalGradient.of(RIDGE, ProximalOperator.lasso(), 1).withAcceleration(true)
            .withMaxIterations(2).run(W0, LAMBDA, Tensor.scalar(0.01)), 1e-8, List.of("withGrowth", "withInitial"),
            List.of("withAcceleration", "line search")),
        new Case("ProjectedGradient", () -> ProjectedGradient.of(RIDGE, simplex, 1).withMaxIterations(2)
            .run(Tensor.full(0.25, 4), LAMBDA, Tensor.scalar(1)), 1e-8, List.of("withGrowth", "withAcceleration(true)"),
            List.of("line search")),
        new Case("MirrorDescent", () -> MirrorDescent.of(RIDGE).withStepSize(StepSize.fixed(1e-3)).withMaxIterations(2)
            .run(Tensor.full(0.25, 4), LAMBDA, Tensor.scalar(1)), 1e-8, List.of("fixed step 0.001"), List.of("withAcceleration")),
        new Case("LBFGS", () -> LBFGS.of(RIDGE).withMaxIterations(2).run(W0, LAMBDA), 1e-8,
            List.of("line search", "loosen tol"), noStep),
        new Case("NonlinearConjugateGradient", () -> NonlinearConjugateGradient.of(RIDGE).withMaxIterations(1).run(W0, LAMBDA),
            1e-8, List.of("line search", "use LBFGS"), noStep),
        new Case("Newton", () -> Newton.of(CURVED).withMaxIterations(1).run(W0, Tensor.ones(4)), 1e-8,
            List.of("start closer", "LBFGS"), noStep),
        new Case("LBFGSB", () -> LBFGSB.of(RIDGE).withMaxIterations(1).run(W0, LAMBDA, Tensor.scalar(-1), Tensor.scalar(10)),
            1e-8, List.of("line search"), noStep),
        new Case("FixedPointIteration", () -> FixedPointIteration.of(slow).withMaxIterations(10).run(Tensor.zeros(3),
            Tensor.ones(3)), 1e-10, List.of("AndersonAcceleration.of(T)"), noStep),
        new Case("AndersonAcceleration", () -> AndersonAcceleration.of(slow).withMaxIterations(1).run(Tensor.zeros(3),
            Tensor.ones(3)), 1e-10, List.of("withMixing"), noStep),
        new Case("GaussNewton", () -> GaussNewton.of(residual).withMaxIterations(1).run(Tensor.of(-1.2, 1)), 1e-10,
            List.of("LevenbergMarquardt", "undamped"), noStep),
        new Case("LevenbergMarquardt", () -> LevenbergMarquardt.of(residual).withMaxIterations(1).run(Tensor.of(-1.2, 1)),
            1e-10, List.of("damping"), noStep),
        new Case("BoxConstrainedQp", () -> BoxConstrainedQp.of().withMaxIterations(1).run(Tensor.zeros(2),
            Tensor.of(new double[][] {{2, 1}, {1, 1}}), Tensor.of(-1, -1), Tensor.zeros(2), Tensor.full(0.5, 2)), 1e-10,
            List.of("λ_min(Q)/λ_max(Q)"), noStep),
        new Case("Bisection", () -> Bisection.of((x, th) -> x.square().sub(th[0])).withMaxIterations(3)
            .run(Tensor.of(0, 3), Tensor.scalar(2)), 1e-12, List.of("halves the bracket"), noStep),
        new Case("BlockCoordinateDescent", () -> BlockCoordinateDescent.of(RIDGE, ProximalOperator.lasso(), 1)
            .withStepSize(StepSize.fixed(1e-3)).withMaxIterations(1).run(W0, LAMBDA, Tensor.scalar(0.01)), 1e-8,
            List.of("fixed step 0.001"), List.of("withAcceleration", "line search")))
        .map(c -> Arguments.of(c.solver(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theExceptionNamesTheSolverItsToleranceAndItsOwnRemedies(String name, Case c) {
    SolverResult r = c.run().get();
    assertFalse(r.converged(), name + " was meant not to converge");
    assertEquals(name, r.source().solver());
    assertEquals(c.tol(), r.source().tol());
    String message = assertThrows(NotConvergedException.class, r::orThrow).getMessage();
    assertTrue(message.startsWith(name + ": no convergence after " + r.iterations() + " iterations"), message);
    assertTrue(message.contains("error " + r.error() + " > tol " + c.tol()), message);
    assertTrue(message.contains("maxIterations " + r.source().maxIterations()) || message.contains("budget of"), message);
    for (String s : c.mentions()) assertTrue(message.contains(s), name + " should mention '" + s + "': " + message);
    for (String s : c.absent()) assertFalse(message.contains(s), name + " should not mention '" + s + "': " + message);
  }

  @Test
  void unrolledRunsAreAttributedToo() {
    SolverResult[] seen = new SolverResult[1];
    LBFGS unrolled = LBFGS.of(RIDGE).withMaxIterations(2).withDifferentiation(Differentiation.UNROLLED);
    AD.grad(l -> {
      seen[0] = unrolled.run(W0, l);
      return seen[0].solution().sum();
    }, LAMBDA);
    assertEquals("LBFGS", seen[0].source().solver());
    assertEquals(2, seen[0].source().maxIterations());
    assertThrows(NotConvergedException.class, seen[0]::orThrow);
  }

  @Test
  void theActiveSetReducedImplicitRunIsAttributed() {
    SolverResult[] seen = new SolverResult[1];
    ProximalGradient pg = ProximalGradient.of(RIDGE, ProximalOperator.lasso(), 1)
        .withActiveSetReduction(ActiveSetReduction.lasso()).withTol(1e-10);
    AD.grad(l -> {
      seen[0] = pg.run(Tensor.zeros(4), LAMBDA, l);
      return seen[0].solution().sum();
    }, Tensor.scalar(0.05));
    assertTrue(seen[0].converged());
    assertEquals("ProximalGradient", seen[0].source().solver());
    assertEquals(1e-10, seen[0].source().tol());
  }

  @Test
  void aSolverThatStoppedBeforeItsBudgetSaysSo() {
    var source = new SolverResult.Source("MySolver", 1e-6, 100, "try harder");
    SolverResult r = new SolverResult(Tensor.zeros(2), 7, 0.5, false, Degeneracy.none(), source);
    assertEquals("MySolver: no convergence after 7 iterations (it stopped before its budget of 100 iterations), error 0.5"
        + " > tol 1.0E-6; try harder", assertThrows(NotConvergedException.class, r::orThrow).getMessage());
  }

  @Test
  void aResultBuiltByHandKeepsTheGenericMessage() {
    SolverResult r = new SolverResult(Tensor.zeros(2), 7, 0.5, false);
    assertSame(SolverResult.Source.unknown(), r.source());
    assertEquals("no convergence after 7 iterations, error 0.5; raise maxIterations, loosen tol, or (for a first-order"
        + " method) change the step size", assertThrows(NotConvergedException.class, r::orThrow).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SolverResult(Tensor.zeros(2), 1, 0, true, Degeneracy.none(), null));
  }
}
