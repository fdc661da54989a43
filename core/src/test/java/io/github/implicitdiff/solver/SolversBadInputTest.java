package io.github.implicitdiff.solver;

import static io.github.implicitdiff.BadInput.of;

import io.github.implicitdiff.BadInput;
import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to the solvers' factories, withers and run methods (the audit's table; LBFGS, the line searches and
 * the smooth-minimizer base are another engineer's and are probed, not tested, here).
 */
class SolversBadInputTest {
  private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;
  private static final Objective F = (x, th) -> x.sub(th[0]).square().sum();
  private static final FixedPointMap T = (x, th) -> x.mul(0.5).add(th[0]);
  private static final Optimality ROOT = (x, th) -> x.sub(th[0]);
  private static final Tensor X0 = Tensor.of(1, 2), THETA = Tensor.of(0.5, 0.5);
  private static final Tensor Q = Tensor.eye(2), C = Tensor.of(1, 1), LO = Tensor.zeros(2), HI = Tensor.ones(2);
  private static final Tensor NO_ROWS = Tensor.zeros(0, 2), NONE = Tensor.zeros(0);
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

  static Stream<Arguments> probes() {
    return BadInput.cases(
        // non-finite init and θ
        of("GradientDescent: NaN init", NonFiniteException.class, () -> GradientDescent.of(F).run(Tensor.of(NAN, 1), THETA), "GradientDescent", "init"),
        of("Newton: ∞ in θ", NonFiniteException.class, () -> Newton.of(F).run(X0, Tensor.of(INF, 1)), "Newton", "θ[0]"),
        of("ProximalGradient: NaN λ", NonFiniteException.class, () -> ProximalGradient.of(F, ProximalOperator.lasso(), 1).run(X0, THETA, Tensor.scalar(NAN)), "ProximalGradient", "θ[1]"),
        of("AndersonAcceleration: NaN in θ", NonFiniteException.class, () -> AndersonAcceleration.of(T).run(X0, Tensor.of(NAN, 1)), "AndersonAcceleration", "θ[0]"),
        of("Broyden: ∞ init", NonFiniteException.class, () -> Broyden.of(ROOT).run(Tensor.of(INF, 1), THETA), "Broyden", "init"),
        of("Bisection: NaN bracket", NonFiniteException.class, () -> Bisection.of((x, th) -> x.sub(0.3)).run(Tensor.of(NAN, 1)), "Bisection", "bracket"),
        of("Bisection: NaN θ (was reported as a NaN value of F)", NonFiniteException.class, () -> Bisection.of((x, th) -> x.sub(th[0])).run(Tensor.of(0, 1), Tensor.scalar(NAN)), "Bisection", "θ[0]"),
        of("BoxConstrainedQp: NaN in Q", NonFiniteException.class, () -> BoxConstrainedQp.of().run(X0, Tensor.of(new double[][] {{NAN, 0}, {0, 1}}), C, LO, HI), "BoxConstrainedQp", "Q"),
        of("BoxConstrainedQp: -∞ bound", NonFiniteException.class, () -> BoxConstrainedQp.of().run(X0, Q, C, Tensor.of(-INF, 0), HI), "BoxConstrainedQp", "θ[2]"),
        of("InteriorPointQp: NaN in h", NonFiniteException.class, () -> InteriorPointQp.of().run(Q, C, NO_ROWS, NONE, Q, Tensor.of(NAN, 1)), "InteriorPointQp", "h"),
        of("GradientDescent: objective NaN at the start", NonFiniteException.class, () -> GradientDescent.of((x, th) -> x.log().sum()).run(Tensor.of(-1, 1)), "GradientDescent", "initial point"),
        // nulls
        of("GradientDescent: null init", IAE, () -> GradientDescent.of(F).run(null, THETA), "GradientDescent", "init"),
        of("FixedPointIteration: null θ", IAE, () -> FixedPointIteration.of(T).run(X0, (Tensor[]) null), "FixedPointIteration", "θ"),
        of("ProximalGradient: null θ array (was NullPointerException)", IAE, () -> ProximalGradient.of(F, ProximalOperator.lasso(), 1).run(X0, (Tensor[]) null), "ProximalGradient", "θ must not be null"),
        of("BlockCoordinateDescent: null θ[1]", IAE, () -> BlockCoordinateDescent.of(F, ProximalOperator.lasso(), 1).run(Tensor.ones(2, 2), Tensor.ones(2, 2), null), "BlockCoordinateDescent", "θ[1] is null"),
        of("EqualityConstrainedQp: null c (was NullPointerException)", IAE, () -> EqualityConstrainedQp.of().run(Q, null, NO_ROWS, NONE), "EqualityConstrainedQp", "θ[1] is null"),
        of("InteriorPointQp: null A (was NullPointerException)", IAE, () -> InteriorPointQp.of().run(Q, C, null, NONE, Q, HI), "InteriorPointQp", "θ[2] is null"),
        of("BoxConstrainedQp: null θ array (was NullPointerException)", IAE, () -> BoxConstrainedQp.of().run(X0, (Tensor[]) null), "BoxConstrainedQp", "θ must not be null"),
        of("Bisection: null θ[0] (was NullPointerException)", IAE, () -> Bisection.of((x, th) -> x.sub(th[0])).run(Tensor.of(0, 1), (Tensor) null), "Bisection", "θ[0] is null"),
        of("GradientDescent: null objective", IAE, () -> GradientDescent.of(null), "GradientDescent", "objective"),
        of("ProjectedGradient: null projection", IAE, () -> ProjectedGradient.of(F, null, 1), "ProjectedGradient", "projection"),
        of("GradientDescent: null step size", IAE, () -> GradientDescent.of(F).withStepSize(null), "GradientDescent", "stepSize"),
        of("Newton: null line search", IAE, () -> Newton.of(F).withLineSearch(null), "Newton", "lineSearch"),
        of("Broyden: null initial Jacobian", IAE, () -> Broyden.of(ROOT).withInitialJacobian(null), "Broyden", "initialJacobian"),
        of("Optimizer: null linear solver", IAE, () -> GradientDescent.of(F).withLinearSolver(null), "GradientDescent", "linearSolver"),
        of("InteriorPointQp: null implicit options", IAE, () -> InteriorPointQp.of().withImplicitOptions(null), "InteriorPointQp", "implicitOptions"),
        // shapes and empty tensors
        of("MirrorDescent: empty init (was 'min: empty tensor')", IAE, () -> MirrorDescent.of((x, th) -> x.sum()).run(NONE), "MirrorDescent", "empty"),
        of("MirrorDescent: scalar init", IAE, () -> MirrorDescent.of(F).run(Tensor.scalar(1), THETA), "MirrorDescent", "scalar"),
        of("FixedPointIteration: T changes the shape", ShapeException.class, () -> FixedPointIteration.of((x, th) -> x.sum()).run(X0), "FixedPointIteration", "T(x, θ)"),
        of("GradientDescent: the objective is not a scalar", ShapeException.class, () -> GradientDescent.of((x, th) -> x.square()).run(X0), "scalar"),
        of("BoxConstrainedQp: Q of the wrong shape", ShapeException.class, () -> BoxConstrainedQp.of().run(X0, Tensor.eye(3), C, LO, HI), "BoxConstrainedQp", "(3, 3)"),
        of("EqualityConstrainedQp: θ count", IAE, () -> EqualityConstrainedQp.of().run(Q, C), "EqualityConstrainedQp", "(Q, c, A, b)"),
        of("ProximalGradient: too few θ for the prox", IAE, () -> ProximalGradient.of(F, ProximalOperator.lasso(), 1).run(X0), "ProximalGradient", "the last 1"),
        // out-of-domain settings
        of("withMaxIterations 0", IAE, () -> GradientDescent.of(F).withMaxIterations(0), "GradientDescent", "maxIterations"),
        of("withTol NaN", IAE, () -> Newton.of(F).withTol(NAN), "Newton", "tol"),
        of("StepSize.fixed -1", IAE, () -> StepSize.fixed(-1), "StepSize.fixed", "-1"),
        of("StepSize.backtracking shrink 1", IAE, () -> StepSize.backtracking().withShrink(1), "StepSize.backtracking", "shrink"),
        of("AndersonAcceleration: memory 0", IAE, () -> AndersonAcceleration.of(T).withMemory(0), "AndersonAcceleration", "memory"),
        of("AndersonAcceleration: NaN mixing", IAE, () -> AndersonAcceleration.of(T).withMixing(NAN), "AndersonAcceleration", "mixing"),
        of("LevenbergMarquardt: damping 0", IAE, () -> LevenbergMarquardt.of((x, th) -> x.sub(th[0])).withInitialDampingFactor(0), "LevenbergMarquardt", "initialDampingFactor"),
        of("InteriorPointQp: ∞ tol", IAE, () -> InteriorPointQp.of().withTol(INF), "InteriorPointQp", "tol"),
        of("DegeneracyCheck: NaN tolerance", IAE, () -> DegeneracyCheck.lasso().withRelativeTolerance(NAN), "DegeneracyCheck", "NaN"),
        of("ProximalGradient: negative prox parameter count", IAE, () -> ProximalGradient.of(F, ProximalOperator.lasso(), -1), "ProximalGradient", "-1"),
        // ill-posed problems
        of("BoxConstrainedQp: negative diagonal in Q (returned a 'converged' non-minimum)", IAE, () -> BoxConstrainedQp.of().run(X0, Tensor.of(new double[][] {{-1, 0}, {0, 1}}), C, LO, HI), "BoxConstrainedQp", "positive semidefinite", "Q[0, 0] = -1.0"),
        of("BoxConstrainedQp: empty box", IAE, () -> BoxConstrainedQp.of().run(X0, Q, C, Tensor.of(2, 2), HI), "BoxConstrainedQp", "box is empty"),
        of("Bisection: no sign change", IAE, () -> Bisection.of((x, th) -> x.sub(3)).run(Tensor.of(0, 1)), "Bisection", "no sign change"),
        of("InteriorPointQp: infeasible", IAE, () -> InteriorPointQp.of().run(Q, C, NO_ROWS, NONE, Tensor.of(new double[][] {{1, 0}, {-1, 0}}), Tensor.of(-1, -1)), "InteriorPointQp", "infeasible"),
        of("EqualityConstrainedQp: dependent constraints", SingularMatrixException.class, () -> EqualityConstrainedQp.of().run(Q, C, Tensor.of(new double[][] {{1, 1}, {2, 2}}), Tensor.of(1, 2)), "EqualityConstrainedQp", "singular"),
        of("GaussNewton: rank-deficient Jacobian", SingularMatrixException.class, () -> GaussNewton.of((x, th) -> x.sum().reshape(1).sub(1)).run(X0), "singular"),
        of("GradientDescent: diverging fixed step", NonFiniteException.class, () -> GradientDescent.of(F).withStepSize(StepSize.fixed(10)).run(X0, THETA), "GradientDescent", "diverges"),
        of("FixedPointIteration: not a contraction", NotConvergedException.class, () -> FixedPointIteration.of((x, th) -> x.mul(3).add(1)).run(X0), "FixedPointIteration", "diverged"),
        of("ProjectedGradient: negative radius", IAE, () -> ProjectedGradient.of(F, Projection.l2Ball(), 1).run(X0, THETA, Tensor.scalar(-1)), "l2Ball", "-1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void failsClearly(String name, BadInput probe) {
    probe.check();
  }
}
