package io.github.implicitdiff.projection;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ProjectionValidationTest {
  private static final Tensor X = Tensor.of(1, -2, 0.5);
  private static final Tensor NEGATIVE = Tensor.scalar(-1);

  private static void assertMessage(Class<? extends Throwable> type, Executable call, String... fragments) {
    Throwable e = assertThrows(type, call);
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
  }

  @Test
  void negativeRadius() {
    assertMessage(IllegalArgumentException.class, () -> Projections.l1Ball(X, NEGATIVE), "l1Ball", "radius", "-1");
    assertMessage(IllegalArgumentException.class, () -> Projections.l1Sphere(X, NEGATIVE), "l1Sphere", "-1");
    assertMessage(IllegalArgumentException.class, () -> Projections.l2Ball(X, NEGATIVE), "l2Ball", "-1");
    assertMessage(IllegalArgumentException.class, () -> Projections.l2Sphere(X, NEGATIVE), "l2Sphere", "-1");
    assertMessage(IllegalArgumentException.class, () -> Projections.linfBall(X, NEGATIVE), "linfBall", "-1");
  }

  @Test
  void lowerBoundAboveUpperBound() {
    assertMessage(IllegalArgumentException.class, () -> Projections.box(X, Tensor.of(0, 2, 0), Tensor.scalar(1)),
        "box", "lo > hi", "flat index 1");
    assertMessage(IllegalArgumentException.class,
        () -> Projections.boxSection(X, Tensor.scalar(1), Tensor.scalar(0), Tensor.ones(3), Tensor.scalar(0)), "lo[0]");
  }

  @Test
  void nonPositiveSimplexSize() {
    assertMessage(IllegalArgumentException.class, () -> Projections.simplex(X, Tensor.scalar(0)), "simplex", "positive");
    assertMessage(IllegalArgumentException.class, () -> Projections.simplex(X, NEGATIVE), "simplex", "-1");
  }

  @Test
  void shapeMismatches() {
    assertMessage(ShapeException.class, () -> Projections.box(X, Tensor.zeros(2), Tensor.ones(3)), "(2,)", "(3,)");
    assertMessage(ShapeException.class, () -> Projections.simplex(Tensor.zeros(2, 3), Tensor.of(1, 1, 1)), "(2,)");
    assertMessage(ShapeException.class, () -> Projections.hyperplane(X, Tensor.ones(2), Tensor.scalar(0)), "(2,)", "(3,)");
    assertMessage(ShapeException.class, () -> Projections.affineSet(X, Tensor.ones(2, 2), Tensor.ones(2)), "(2, 2)");
    assertMessage(ShapeException.class, () -> Projections.boxSection(X, Tensor.scalar(0), Tensor.scalar(1), Tensor.ones(2),
        Tensor.scalar(1)), "w");
  }

  @Test
  void nonScalarRadius() {
    assertMessage(ShapeException.class, () -> Projections.l2Ball(X, Tensor.of(1, 2)), "scalar", "(2,)");
  }

  @Test
  void scalarInputForVectorProjections() {
    assertThrows(ShapeException.class, () -> Projections.simplex(Tensor.scalar(1)));
  }

  @Test
  void nonFiniteInput() {
    Tensor nan = Tensor.of(1, Double.NaN);
    assertMessage(NonFiniteException.class, () -> Projections.simplex(nan), "simplex", "NaN");
    assertMessage(NonFiniteException.class, () -> Projections.box(nan, 0, 1), "box");
    assertMessage(NonFiniteException.class, () -> Projections.l2Ball(nan, Tensor.scalar(1)), "l2Ball");
    assertMessage(NonFiniteException.class, () -> Projections.isotonic(nan, Monotonicity.NON_DECREASING), "isotonic");
    assertMessage(NonFiniteException.class, () -> Projections.l1Ball(X, Tensor.scalar(Double.NaN)), "radius");
  }

  @Test
  void zeroNormal() {
    assertMessage(IllegalArgumentException.class, () -> Projections.halfspace(X, Tensor.zeros(3), Tensor.scalar(0)),
        "halfspace", "zero");
  }

  @Test
  void rankDeficientAffineSet() {
    Tensor A = Tensor.of(new double[][] {{1, 2, 3}, {2, 4, 6}});
    assertMessage(SingularMatrixException.class, () -> Projections.affineSet(X, A, Tensor.zeros(2)), "singular");
  }

  @Test
  void wrongParameterCount() {
    assertMessage(IllegalArgumentException.class, () -> Projection.box().apply(X, Tensor.scalar(0)), "Projection.box", "2");
    assertMessage(IllegalArgumentException.class, () -> Projection.nonNegative().apply(X, Tensor.scalar(0)), "none");
  }

  @Test
  void projectionObjectsForwardTheirParameters() {
    assertTrue(Projection.simplex().apply(X, Tensor.scalar(2)).allClose(Projections.simplex(X, Tensor.scalar(2)), 0));
    assertTrue(Projection.box().apply(X, Tensor.scalar(0), Tensor.scalar(0.7)).allClose(Projections.box(X, 0, 0.7), 0));
    assertTrue(Projection.l2Ball().apply(X, Tensor.scalar(1)).allClose(Projections.l2Ball(X, Tensor.scalar(1)), 0));
  }
}
