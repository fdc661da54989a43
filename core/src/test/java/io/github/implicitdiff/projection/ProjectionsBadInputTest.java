package io.github.implicitdiff.projection;

import static io.github.implicitdiff.BadInput.of;

import io.github.implicitdiff.BadInput;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to every projection: NaN/∞, nulls, shapes, empty tensors and out-of-domain scalars (the audit's table). */
class ProjectionsBadInputTest {
  private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;
  private static final Tensor X = Tensor.of(0.3, -1, 2);
  private static final Tensor ONE = Tensor.scalar(1);
  private static final Tensor EMPTY = Tensor.zeros(0);
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

  static Stream<Arguments> probes() {
    Tensor square = Tensor.zeros(2, 2), unit = Tensor.ones(2);
    return BadInput.cases(
        // non-finite tensors
        of("box: NaN lo", NonFiniteException.class, () -> Projections.box(X, Tensor.scalar(NAN), ONE), "Projections.box", "lo"),
        of("l2Ball: ∞ in x", NonFiniteException.class, () -> Projections.l2Ball(Tensor.of(INF, 1), ONE), "l2Ball", "x"),
        of("linfBall: NaN in x", NonFiniteException.class, () -> Projections.linfBall(Tensor.of(NAN), ONE), "x", "finite"),
        of("simplex: ∞ size", NonFiniteException.class, () -> Projections.simplex(X, Tensor.scalar(INF)), "simplex", "s"),
        of("hyperplane: NaN in a", NonFiniteException.class, () -> Projections.hyperplane(X, Tensor.of(NAN, 1, 1), ONE), "hyperplane", "a"),
        of("halfspace: NaN b", NonFiniteException.class, () -> Projections.halfspace(X, Tensor.ones(3), Tensor.scalar(NAN)), "halfspace", "b"),
        of("affineSet: NaN in A", NonFiniteException.class, () -> Projections.affineSet(X, Tensor.of(new double[][] {{1, NAN, 1}}), Tensor.of(0)), "affineSet", "A"),
        of("boxSection: NaN c", NonFiniteException.class, () -> Projections.boxSection(X, Tensor.scalar(0), ONE, Tensor.ones(3), Tensor.scalar(NAN)), "boxSection", "c"),
        of("transport: NaN in X", NonFiniteException.class, () -> Projections.transport(Tensor.of(new double[][] {{NAN, 1}, {1, 1}}), unit, unit, SinkhornOptions.defaults()), "transport", "X"),
        of("birkhoff: ∞ in X", NonFiniteException.class, () -> Projections.birkhoff(Tensor.of(new double[][] {{INF, 1}, {1, 1}}), SinkhornOptions.defaults()), "birkhoff", "X"),
        of("isotonic: NaN in x", NonFiniteException.class, () -> Projections.isotonic(Tensor.of(1, NAN), Monotonicity.NON_DECREASING), "isotonic", "x"),
        // nulls (were NullPointerException from inside the projection)
        of("simplex: null x", IAE, () -> Projections.simplex(null, ONE), "Projections.simplex", "x is null"),
        of("simplexDegeneracy: null x", IAE, () -> Projections.simplexDegeneracy(null, ONE), "simplexDegeneracy", "x is null"),
        of("affineSet: null x", IAE, () -> Projections.affineSet(null, Tensor.ones(1, 3), Tensor.of(0)), "affineSet", "x is null"),
        of("transport: null X", IAE, () -> Projections.transport(null, unit, unit, SinkhornOptions.defaults()), "transport", "X is null"),
        of("birkhoff: null X", IAE, () -> Projections.birkhoff(null, SinkhornOptions.defaults()), "birkhoff", "X is null"),
        of("l2Ball: null radius", IAE, () -> Projections.l2Ball(X, null), "l2Ball", "radius is null"),
        of("Projection.apply: null parameter array", IAE, () -> Projection.l2Ball().apply(X, (Tensor[]) null), "Projection.l2Ball", "null"),
        of("Projection.transport: null options", IAE, () -> Projection.transport(null), "Projection.transport", "options"),
        of("Projection.birkhoff: null options", IAE, () -> Projection.birkhoff(null), "Projection.birkhoff", "options"),
        of("Projection.isotonic: null order", IAE, () -> Projection.isotonic(null), "Projection.isotonic", "order is null"),
        // shapes and empty tensors (empty ones returned an empty "projection" onto an empty set)
        of("simplex: empty x", ShapeException.class, () -> Projections.simplex(EMPTY, ONE), "Projections.simplex", "empty last axis"),
        of("simplex: rows of length 0", ShapeException.class, () -> Projections.simplex(Tensor.zeros(2, 0), ONE), "simplex", "(2, 0)"),
        of("sparsemax: empty x", ShapeException.class, () -> Projections.sparsemax(EMPTY), "simplex", "empty"),
        of("l1Sphere: empty x", ShapeException.class, () -> Projections.l1Sphere(EMPTY, ONE), "l1Sphere", "empty"),
        of("l2Sphere: empty x", ShapeException.class, () -> Projections.l2Sphere(EMPTY, ONE), "l2Sphere", "empty"),
        of("transport: empty X", ShapeException.class, () -> Projections.transport(Tensor.zeros(0, 0), EMPTY, EMPTY, SinkhornOptions.defaults()), "Projections.transport", "empty"),
        of("birkhoff: empty X", ShapeException.class, () -> Projections.birkhoff(Tensor.zeros(0, 0), SinkhornOptions.defaults()), "Projections.birkhoff", "empty"),
        of("simplex: size of the wrong shape", ShapeException.class, () -> Projections.simplex(X, Tensor.ones(5)), "simplex", "(5,)"),
        of("hyperplane: a of the wrong shape", ShapeException.class, () -> Projections.hyperplane(X, unit, ONE), "hyperplane", "(2,)"),
        of("transport: marginal of the wrong length", ShapeException.class, () -> Projections.transport(square, Tensor.ones(3), unit, SinkhornOptions.defaults()), "transport", "(3,)"),
        // out-of-domain scalars
        of("l2Ball: radius -1", IAE, () -> Projections.l2Ball(X, Tensor.scalar(-1)), "l2Ball", "radius", "-1"),
        of("simplex: size 0", IAE, () -> Projections.simplex(X, Tensor.scalar(0)), "simplex", "positive"),
        of("transport: negative marginal", IAE, () -> Projections.transport(square, Tensor.of(-1, 3), unit, SinkhornOptions.defaults()), "transport", "-1"),
        of("SinkhornOptions: NaN tolerance", IAE, () -> new SinkhornOptions(1, 10, NAN), "SinkhornOptions", "tolerance", "NaN"),
        of("SinkhornOptions: ∞ tolerance (stopped after one iteration)", IAE, () -> new SinkhornOptions(1, 10, INF), "SinkhornOptions", "tolerance", "Infinity"),
        of("SinkhornOptions: maxIterations 0", IAE, () -> new SinkhornOptions(1, 0, 1e-6), "SinkhornOptions", "maxIterations"),
        of("boxDegeneracy: NaN tolerance", IAE, () -> Projections.boxDegeneracy(X, Tensor.scalar(0), ONE, NAN), "boxDegeneracy", "tolerance"),
        of("boxDegeneracy: ∞ tolerance (reported every coordinate)", IAE, () -> Projections.boxDegeneracy(X, Tensor.scalar(0), ONE, INF), "boxDegeneracy", "tolerance", "Infinity"),
        of("simplexDegeneracy: ∞ tolerance", IAE, () -> Projections.simplexDegeneracy(X, ONE, INF), "simplexDegeneracy", "tolerance", "Infinity"),
        // ill-posed sets
        of("hyperplane: a = 0", IAE, () -> Projections.hyperplane(X, Tensor.zeros(3), ONE), "hyperplane", "‖a‖² = 0"),
        of("hyperplane: ‖a‖² underflows (returned -∞ and NaN)", IAE, () -> Projections.hyperplane(X, Tensor.of(1e-200, 0, 0), ONE), "hyperplane", "underflows", "1.0E-200"),
        of("halfspace: ‖a‖² underflows", IAE, () -> Projections.halfspace(X, Tensor.of(0, -1e-170, 0), Tensor.scalar(-1)), "halfspace", "underflows"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void failsClearly(String name, BadInput probe) {
    probe.check();
  }
}
