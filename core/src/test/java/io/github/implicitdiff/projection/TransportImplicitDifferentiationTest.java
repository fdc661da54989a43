package io.github.implicitdiff.projection;

import static io.github.implicitdiff.projection.DerivativeChecks.assertJacobianMatchesFiniteDifferences;
import static io.github.implicitdiff.projection.DerivativeChecks.finiteDifferenceJacobian;
import static io.github.implicitdiff.projection.TransportProjectionTest.randomMarginal;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.Lu;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport plan differentiated implicitly ({@link SinkhornCondition}) against the converged unrolled
 * derivative (tolerance 1e-13, so unrolling has converged to the derivative of the exact plan) and central
 * differences: reverse and forward mode, second order, square and rectangular X, unequal marginals.
 */
class TransportImplicitDifferentiationTest {
  private static final double EPS = 0.5;
  private static final SinkhornOptions IMPLICIT =
      SinkhornOptions.defaults().withRegularization(EPS).withTolerance(1e-13).withMaxIterations(20000).withImplicitDifferentiation(true);
  private static final SinkhornOptions UNROLLED = IMPLICIT.withImplicitDifferentiation(false);

  /** A random problem: X, marginals of mass 2 with unequal entries, and the weights D of the scalar ⟨P, D⟩. */
  private record Problem(Tensor X, Tensor a, Tensor b, Tensor D) {
    static Problem random(long seed, int m, int n) {
      Random rng = new Random(seed);
      return new Problem(Tensor.randn(rng, m, n), randomMarginal(rng, m, 2), randomMarginal(rng, n, 2), Tensor.randn(rng, m, n));
    }

    Tensor[] gradients(SinkhornOptions options) {
      return AD.gradAll(t -> Projections.transport(t[0], t[1], t[2], options).mul(D).sum(), X, a, b);
    }
  }

  private static double relativeError(Tensor actual, Tensor expected) {
    return actual.sub(expected).norm2() / expected.norm2();
  }

  /**
   * Full gradients in X, a and b, including the directions that change Σa − Σb: the implicit condition's â = aΣb/Σa
   * reproduces the derivative unrolling converges to there too.
   */
  @ParameterizedTest
  @CsvSource({"1, 3, 3", "2, 4, 6", "3, 6, 4", "4, 5, 5", "5, 2, 7", "6, 7, 1", "7, 1, 5"})
  void reverseModeMatchesConvergedUnrolling(long seed, int m, int n) {
    Problem p = Problem.random(seed, m, n);
    Tensor[] implicit = p.gradients(IMPLICIT), unrolled = p.gradients(UNROLLED);
    String[] names = {"X", "a", "b"};
    for (int k = 0; k < 3; k++) {
      if (unrolled[k].norm2() == 0) continue; // a single row or column: P does not depend on X
      double err = relativeError(implicit[k], unrolled[k]);
      assertTrue(err < 1e-8, "∂" + names[k] + " " + m + "×" + n + " seed " + seed + ": relative error " + err);
    }
    assertTrue(unrolled[2].norm2() > 1e-3, "the check is not vacuous");
  }

  /** Each general-matrix linear solver gives the same gradients as the default GMRES, and its iterations are its own. */
  @ParameterizedTest
  @CsvSource({"1, 3, 3", "2, 4, 6", "3, 6, 4"})
  void linearSolverIsConfigurable(long seed, int m, int n) {
    Problem p = Problem.random(seed, m, n);
    Tensor[] reference = p.gradients(IMPLICIT);
    java.util.List<io.github.implicitdiff.linalg.LinearSolver> solvers = java.util.List.of(
        io.github.implicitdiff.linalg.LinearSolvers.lu(),
        io.github.implicitdiff.linalg.LinearSolvers.bicgstab().withTol(1e-13),
        io.github.implicitdiff.linalg.LinearSolvers.gmres().withRestart(3).withTol(1e-13).withMaxIterations(5000));
    for (var solver : solvers) {
      SinkhornOptions options = IMPLICIT.withLinearSolver(solver);
      assertSame(solver, options.linearSolver());
      Tensor[] g = p.gradients(options);
      for (int k = 0; k < 3; k++) {
        if (reference[k].norm2() == 0) continue;
        double err = relativeError(g[k], reference[k]);
        assertTrue(err < 1e-9, solver.getClass().getSimpleName() + " input " + k + ": relative error " + err);
      }
    }
    // a solver that stops early is refused loudly, not trusted
    var starved = io.github.implicitdiff.linalg.LinearSolvers.gmres().withRestart(1).withMaxIterations(1).withTol(1e-14);
    assertThrows(io.github.implicitdiff.linalg.NotConvergedException.class, () -> p.gradients(IMPLICIT.withLinearSolver(starved)));
    var e = assertThrows(IllegalArgumentException.class,
        () -> IMPLICIT.withLinearSolver(io.github.implicitdiff.linalg.LinearSolvers.cg()));
    assertTrue(e.getMessage().contains("symmetric"), e.getMessage());
    assertNull(IMPLICIT.withLinearSolver(null).linearSolver());
  }

  @ParameterizedTest
  @CsvSource({"1, 3, 3", "2, 4, 6", "3, 6, 4", "4, 5, 5"})
  void forwardModeMatchesConvergedUnrolling(long seed, int m, int n) {
    Problem p = Problem.random(seed, m, n);
    Random rng = new Random(seed + 100);
    Tensor[] tangents = {Tensor.randn(rng, m, n), Tensor.randn(rng, m), Tensor.randn(rng, n)}; // Σda ≠ Σdb too
    Function<SinkhornOptions, Tensor> jvp = o -> AD.jvp(t -> new Tensor[] {Projections.transport(t[0], t[1], t[2], o)},
        new Tensor[] {p.X(), p.a(), p.b()}, tangents).outTangent();
    Tensor implicit = jvp.apply(IMPLICIT), unrolled = jvp.apply(UNROLLED);
    double err = relativeError(implicit, unrolled);
    assertTrue(err < 1e-8, m + "×" + n + " seed " + seed + ": relative error " + err);
    // the tangent plan keeps the marginal constraints: δ(Pᵀ1) = db and δ(P1) = da + a(Σdb − Σda)/Σa
    double c = (tangents[2].sum().item() - tangents[1].sum().item()) / p.a().sum().item();
    assertTrue(implicit.sum(0).allClose(tangents[2], 1e-9), "column marginals of the tangent");
    assertTrue(implicit.sum(1).allClose(tangents[1].add(p.a().mul(c)), 1e-9), "row marginals of the tangent");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void birkhoffMatchesFiniteDifferencesAndUnrolling(long seed) {
    Tensor X = Tensor.randn(new Random(seed), 4, 4);
    assertJacobianMatchesFiniteDifferences(v -> Projections.birkhoff(v, IMPLICIT), X, 1e-6, "birkhoff seed " + seed);
    Tensor implicit = AD.jacobian(v -> Projections.birkhoff(v, IMPLICIT), X, AD.Mode.REVERSE);
    Tensor unrolled = AD.jacobian(v -> Projections.birkhoff(v, UNROLLED), X, AD.Mode.REVERSE);
    assertTrue(relativeError(implicit, unrolled) < 1e-8, "birkhoff vs unrolled: " + relativeError(implicit, unrolled));
  }

  /** s(P) = ⟨P, D⟩ + ‖P‖²: its Hessian in X and in the logits α of a = 2 softmax(α), implicit of implicit. */
  @ParameterizedTest
  @CsvSource({"1, 3, 4", "2, 4, 3"})
  void hessianMatchesUnrollingAndFiniteDifferencesOfTheGradient(long seed, int m, int n) {
    Problem p = Problem.random(seed, m, n);
    Function<SinkhornOptions, Function<Tensor, Tensor>> inX = o -> x -> {
      Tensor P = Projections.transport(x, p.a(), p.b(), o);
      return P.mul(p.D()).sum().add(P.square().sum());
    };
    Tensor hImplicit = AD.hessian(x -> inX.apply(IMPLICIT).apply(x), p.X());
    Tensor hUnrolled = AD.hessian(x -> inX.apply(UNROLLED).apply(x), p.X());
    assertTrue(relativeError(hImplicit, hUnrolled) < 1e-7, "∂²/∂X²: " + relativeError(hImplicit, hUnrolled));
    Tensor hFd = finiteDifferenceJacobian(x -> AD.grad(y -> inX.apply(IMPLICIT).apply(y), x), p.X(), 1e-6);
    assertTrue(relativeError(hImplicit, hFd) < 1e-6, "∂²/∂X² vs differences of the gradient: " + relativeError(hImplicit, hFd));

    Tensor alpha = Tensor.randn(new Random(seed + 7), m);
    Function<SinkhornOptions, Function<Tensor, Tensor>> inAlpha = o -> al -> {
      Tensor P = Projections.transport(p.X(), al.softmax(0).mul(2), p.b(), o);
      return P.mul(p.D()).sum().add(P.square().sum());
    };
    Tensor aImplicit = AD.hessian(al -> inAlpha.apply(IMPLICIT).apply(al), alpha);
    Tensor aUnrolled = AD.hessian(al -> inAlpha.apply(UNROLLED).apply(al), alpha);
    assertTrue(relativeError(aImplicit, aUnrolled) < 1e-7, "∂²/∂α²: " + relativeError(aImplicit, aUnrolled));
  }

  /**
   * The potentials are defined up to (f + t1, g − t1): in all m + n of them the condition's Jacobian has the null
   * vector (1, −1); with g_{n−1} = 0 and the implied last column equation dropped it is well conditioned.
   */
  @ParameterizedTest
  @CsvSource({"1, 4, 4", "2, 3, 6", "3, 6, 2"})
  void fullSystemIsSingularAndTheGaugeFixedOneIsNot(long seed, int m, int n) {
    Problem p = Problem.random(seed, m, n);
    Tensor[] fg = Sinkhorn.potentials("test", p.X().div(EPS), p.a(), p.b(), IMPLICIT);
    Tensor both = Tensor.concat(0, fg[0], fg[1]);
    Tensor fullJacobian = AD.jacobian(z -> SinkhornCondition.full(z.slice(0, 0, m), z.slice(0, m, m + n), p.X(), p.a(), p.b(), EPS), both);
    Tensor gauge = Tensor.concat(0, Tensor.ones(m), Tensor.ones(n).neg());
    assertTrue(fullJacobian.matmul(gauge).maxAbs() < 1e-12, "(1, −1) is a null vector of the full Jacobian");
    assertThrows(SingularMatrixException.class, () -> Lu.factor(fullJacobian));

    Tensor shift = fg[1].index(0, n - 1);
    Tensor x = Tensor.concat(0, fg[0].add(shift), fg[1].sub(shift).slice(0, 0, n - 1));
    assertTrue(SinkhornCondition.gaugeFixed(m, n, EPS).apply(x, p.X(), p.a(), p.b()).maxAbs() < 1e-10, "x is a root");
    Tensor fixedJacobian = AD.jacobian(z -> SinkhornCondition.gaugeFixed(m, n, EPS).apply(z, p.X(), p.a(), p.b()), x);
    assertArrayEquals(new int[] {m + n - 1, m + n - 1}, fixedJacobian.shape());
    double rcond = Lu.factor(fixedJacobian, 0).reciprocalCondition();
    assertTrue(rcond > 1e-3, "gauge-fixed Jacobian reciprocal condition " + rcond);
  }

  /**
   * A loose Sinkhorn tolerance with small marginal entries (1/60) is accepted by the residual check, and the
   * derivative error is of the order of the tolerance relative to the marginals.
   */
  @Test
  void looseToleranceIsAcceptedAndGivesAProportionateDerivative() {
    Random rng = new Random(11);
    int m = 40, n = 60;
    Tensor X = Tensor.randn(rng, m, n), D = Tensor.randn(rng, m, n);
    Tensor a = randomMarginal(rng, m, 1), b = randomMarginal(rng, n, 1);
    Function<SinkhornOptions, Tensor> grad = o -> AD.grad(x -> Projections.transport(x, a, b, o).mul(D).sum(), X);
    Tensor reference = grad.apply(IMPLICIT.withRegularization(0.2));
    double err = relativeError(grad.apply(IMPLICIT.withRegularization(0.2).withTolerance(1e-4)), reference);
    assertTrue(err > 1e-7 && err < 1e-1, "relative error at tolerance 1e-4: " + err);
  }

  @Test
  void implicitIsTheDefaultAndBothModesGiveThePlan() {
    assertTrue(SinkhornOptions.defaults().implicitDifferentiation());
    assertTrue(new SinkhornOptions(1, 10, 1e-9).implicitDifferentiation());
    assertFalse(SinkhornOptions.defaults().withImplicitDifferentiation(false).withTolerance(1e-9).implicitDifferentiation());
    Problem p = Problem.random(3, 4, 5);
    assertTrue(Projections.transport(p.X(), p.a(), p.b(), IMPLICIT).allClose(Projections.transport(p.X(), p.a(), p.b(), UNROLLED), 1e-14));
  }
}
