package io.github.implicitdiff.implicit;

import static io.github.implicitdiff.BadInput.of;

import io.github.implicitdiff.BadInput;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to the implicit layer and its options (the audit's table): F(x, θ) = x − θ, x* = θ. */
class ImplicitBadInputTest {
  private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;
  private static final Optimality F = (x, th) -> x.sub(th[0]);
  private static final RootSolver SOLVER = th -> th[0].concrete();
  private static final Tensor THETA = Tensor.of(1, 2);
  private static final Tensor[] THETAS = {THETA};
  private static final LinearSolver GMRES = LinearSolvers.gmres();
  private static final ImplicitOptions DEFAULTS = ImplicitOptions.defaults();
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

  static Stream<Arguments> probes() {
    Optimality singular = (x, th) -> x.sub(th[0]).mul(0);
    return BadInput.cases(
        // options
        of("ImplicitOptions: NaN residualTolerance", IAE, () -> DEFAULTS.withResidualTolerance(NAN), "ImplicitOptions", "residualTolerance", "NaN"),
        of("ImplicitOptions: ∞ residualTolerance (switched the residual check off)", IAE, () -> DEFAULTS.withResidualTolerance(INF), "ImplicitOptions", "Infinity", "WARN"),
        of("ImplicitOptions: residualTolerance 0", IAE, () -> DEFAULTS.withResidualTolerance(0), "ImplicitOptions", "residualTolerance"),
        of("ImplicitOptions: null policy", IAE, () -> DEFAULTS.withPolicy(null), "ImplicitOptions", "policy"),
        // null parts, now rejected when the function is built (were NullPointerException at the first call)
        of("customRoot: null F", IAE, () -> Implicit.customRoot((Optimality) null, SOLVER), "customRoot", "optimality function"),
        of("customRoot: null solver", IAE, () -> Implicit.customRoot(F, null), "customRoot", "solver must not be null"),
        of("customRoot: null linear solver", IAE, () -> Implicit.customRoot(F, SOLVER, (LinearSolver) null), "customRoot", "linearSolver"),
        of("customRoot: null options", IAE, () -> Implicit.customRoot(F, SOLVER, GMRES, null), "customRoot", "options"),
        of("customRoot (tuple): null solver", IAE, () -> Implicit.customRoot((TupleOptimality) (x, th) -> x, null, GMRES), "customRoot", "solver"),
        of("customFixedPoint: null T", IAE, () -> Implicit.customFixedPoint(null, SOLVER), "customFixedPoint", "optimality function"),
        of("residual: null T", IAE, () -> Implicit.residual(null), "residual", "T"),
        of("customRootWithAux: null F", IAE, () -> Implicit.customRootWithAux(null, th -> new Implicit.WithAux<>(th[0], 1), GMRES, DEFAULTS), "customRootWithAux", "optimality function"),
        of("customRoot: null θ array", IAE, () -> Implicit.customRoot(F, SOLVER).apply((Tensor[]) null), "customRoot", "θ must not be null"),
        of("customRoot: null θ[0]", IAE, () -> Implicit.customRoot(F, SOLVER).apply((Tensor) null), "customRoot", "θ[0] is null"),
        of("rootVjp: null F", IAE, () -> Implicit.rootVjp(null, THETA, THETAS, THETA, GMRES, DEFAULTS), "rootVjp", "optimality function"),
        of("rootVjp: null xStar", IAE, () -> Implicit.rootVjp(F, null, THETAS, THETA, GMRES, DEFAULTS), "rootVjp", "xStar"),
        of("rootVjp: null θ", IAE, () -> Implicit.rootVjp(F, THETA, null, THETA, GMRES, DEFAULTS), "rootVjp", "θ"),
        of("rootVjp: null g", IAE, () -> Implicit.rootVjp(F, THETA, THETAS, null, GMRES, DEFAULTS), "rootVjp", "cotangent g"),
        of("rootVjp: null options", IAE, () -> Implicit.rootVjp(F, THETA, THETAS, THETA, GMRES, null), "rootVjp", "options"),
        of("rootJvp: null tangents", IAE, () -> Implicit.rootJvp(F, THETA, THETAS, null, GMRES, DEFAULTS), "rootJvp", "tangents"),
        of("rootJvp: null θ", IAE, () -> Implicit.rootJvp(F, THETA, null, THETAS, GMRES, DEFAULTS), "rootJvp", "θ"),
        of("rootJvp: a null tangent", IAE, () -> Implicit.rootJvp(F, THETA, THETAS, new Tensor[] {null}, GMRES, DEFAULTS), "tangent 0 is null"),
        of("rootJvp: tangent count", IAE, () -> Implicit.rootJvp(F, THETA, THETAS, new Tensor[0], GMRES, DEFAULTS), "rootJvp", "0 tangents"),
        // non-finite values: x*, θ, tangents, cotangents
        of("rootVjp: NaN in xStar", NonFiniteException.class, () -> Implicit.rootVjp(F, Tensor.of(NAN, 1), THETAS, THETA, GMRES, DEFAULTS), "rootVjp", "xStar"),
        of("rootJvp: ∞ in xStar", NonFiniteException.class, () -> Implicit.rootJvp(F, Tensor.of(INF, 1), THETAS, THETAS, GMRES, DEFAULTS), "rootJvp", "xStar"),
        of("rootVjp: NaN cotangent", NonFiniteException.class, () -> Implicit.rootVjp(F, THETA, THETAS, Tensor.of(NAN, 1), GMRES, DEFAULTS), "cotangent 0", "NaN"),
        of("rootJvp: NaN tangent", NonFiniteException.class, () -> Implicit.rootJvp(F, THETA, THETAS, new Tensor[] {Tensor.of(NAN, 1)}, GMRES, DEFAULTS), "tangent 0", "NaN"),
        of("rootVjp: NaN in θ", NonFiniteException.class, () -> Implicit.rootVjp(F, THETA, new Tensor[] {Tensor.of(NAN, 2)}, THETA, GMRES, DEFAULTS), "input 0", "NaN"),
        of("customRoot: the solver returns NaN", NonFiniteException.class, () -> AD.grad(t -> Implicit.customRoot(F, th -> Tensor.of(NAN, 1)).apply(t).sum(), THETA), "customRoot", "solver output"),
        // shapes
        of("rootVjp: cotangent of the wrong shape", ShapeException.class, () -> Implicit.rootVjp(F, THETA, THETAS, Tensor.ones(3), GMRES, DEFAULTS), "(3,)"),
        of("rootJvp: tangent of the wrong shape", ShapeException.class, () -> Implicit.rootJvp(F, THETA, THETAS, new Tensor[] {Tensor.ones(3)}, GMRES, DEFAULTS), "(3,)"),
        // the theorem's conditions
        of("rootVjp: xStar is not a root", ImplicitConditionException.class, () -> Implicit.rootVjp(F, Tensor.of(5, 5), THETAS, THETA, GMRES, DEFAULTS), "does not satisfy F(x, θ) = 0"),
        of("customRoot: singular ∂₁F", SingularMatrixException.class, () -> AD.grad(t -> Implicit.customRoot(singular, SOLVER).apply(t).sum(), THETA), "customRoot", "singular"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void failsClearly(String name, BadInput probe) {
    probe.check();
  }
}
