package io.github.implicitdiff.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import org.junit.jupiter.api.Test;

/** One test per failure mode of the tensor operations: the exception type and what its message names. */
class TensorBadInputTest {
  private static void assertMentions(Exception e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
  }

  @Test
  void addWithIncompatibleShapes() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(3, 4).add(Tensor.zeros(3)));
    assertMentions(e, "add", "(3, 4)", "(3,)");
  }

  @Test
  void addWithIncompatibleShapesWhileDifferentiating() {
    ShapeException e = assertThrows(ShapeException.class, () -> AD.grad(x -> x.add(Tensor.zeros(2)).sum(), Tensor.zeros(3)));
    assertMentions(e, "add", "(3,)", "(2,)");
  }

  @Test
  void mulWithIncompatibleShapes() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).mul(Tensor.zeros(3, 2)));
    assertMentions(e, "mul", "(2, 3)", "(3, 2)");
  }

  @Test
  void matmulWithMismatchedInnerDimensions() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 2)));
    assertMentions(e, "matmul", "(3, 4)", "(5, 2)", "4 vs 5");
  }

  @Test
  void matmulWithIncompatibleBatches() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
    assertMentions(e, "matmul", "(2,)", "(3,)");
  }

  @Test
  void matmulOfScalar() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.scalar(2).matmul(Tensor.zeros(2, 2)));
    assertMentions(e, "matmul", "()", "(2, 2)");
  }

  @Test
  void dotOfUnequalVectors() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(3).dot(Tensor.zeros(4)));
    assertMentions(e, "dot", "(3,)", "(4,)");
  }

  @Test
  void concatWithMismatchedShapes() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
    assertMentions(e, "concat", "(2, 3)", "(2, 4)");
  }

  @Test
  void concatWithDifferentRanks() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(3)));
    assertMentions(e, "concat", "(2, 3)", "(3,)", "rank");
  }

  @Test
  void stackWithMismatchedShapes() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.stack(0, Tensor.zeros(2), Tensor.zeros(3)));
    assertMentions(e, "stack", "(2,)", "(3,)");
  }

  @Test
  void reshapeToTheWrongSize() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
    assertMentions(e, "reshape", "(2, 3)", "(4, 2)");
  }

  @Test
  void reshapeWithUninferableDimension() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).reshape(4, -1));
    assertMentions(e, "reshape", "(2, 3)", "[4, -1]");
  }

  @Test
  void broadcastToIncompatibleShape() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(3).broadcastTo(3, 4));
    assertMentions(e, "broadcastTo", "(3,)", "(3, 4)");
  }

  @Test
  void sumToIncompatibleShape() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(3, 4).sumTo(3));
    assertMentions(e, "sumTo", "(3, 4)", "(3,)");
  }

  @Test
  void itemOfNonScalar() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 2).item());
    assertMentions(e, "item", "(2, 2)", "4 elements");
  }

  @Test
  void sliceOutOfRange() {
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 5).slice(1, 2, 7));
    assertMentions(e, "slice", "[2, 7)", "length 5");
  }

  @Test
  void sliceWithNonPositiveStep() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(5).slice(0, 0, 5, 0));
    assertMentions(e, "slice", "step", "0");
  }

  @Test
  void indexOutOfRange() {
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 5).index(1, -6));
    assertMentions(e, "index", "-6", "length 5");
  }

  @Test
  void takeOutOfRange() {
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 5).take(new int[] {0, 5}, 1));
    assertMentions(e, "take", "index 5", "length 5");
  }

  @Test
  void takeAlongAxisOutOfRange() {
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> Tensor.zeros(2, 3).takeAlongAxis(new int[] {0, 1, 3, 0}, new int[] {2, 2}, 1));
    assertMentions(e, "takeAlongAxis", "index 3", "length 3");
  }

  @Test
  void takeAlongAxisWithWrongIndexShape() {
    ShapeException e = assertThrows(ShapeException.class,
        () -> Tensor.zeros(2, 3).takeAlongAxis(new int[] {0, 1, 2}, new int[] {3, 1}, 1));
    assertMentions(e, "takeAlongAxis", "(3, 1)", "(2, 3)");
  }

  @Test
  void axisOutOfRange() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).sum(2));
    assertMentions(e, "sum", "axis 2", "2 dimensions");
  }

  @Test
  void negativeAxisOutOfRange() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).softmax(-3));
    assertMentions(e, "axis -3", "2 dimensions");
  }

  @Test
  void repeatedAxis() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).sum(new int[] {1, -1}, false));
    assertMentions(e, "sum", "repeated");
  }

  @Test
  void transposeWithNonPermutation() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.zeros(2, 3).transpose(0, 0));
    assertMentions(e, "transpose", "[0, 0]", "not a permutation");
  }

  @Test
  void fromArrayWithWrongLength() {
    ShapeException e = assertThrows(ShapeException.class, () -> Tensor.fromArray(new double[5], 2, 3));
    assertMentions(e, "fromArray", "5 values", "(2, 3)");
  }

  @Test
  void clipWithInvertedBounds() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).clip(1, -1));
    assertMentions(e, "clip", "lo 1.0", "hi -1.0");
  }

  @Test
  void clipWithNaNBound() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).clip(Double.NaN, 1));
    assertMentions(e, "clip", "NaN");
  }

  @Test
  void requireFiniteOnNaN() {
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> Tensor.of(1, Double.NaN, 3).requireFinite("loss"));
    assertMentions(e, "loss", "NaN", "flat index 1", "(3,)");
  }

  @Test
  void requireFiniteOnInfinity() {
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> Tensor.of(new double[][] {{1, 2}, {Double.NEGATIVE_INFINITY, 0}}).requireFinite("residual"));
    assertMentions(e, "residual", "-Infinity", "flat index 2", "(2, 2)");
  }

  @Test
  void requireFiniteReturnsTheTensorWhenFinite() {
    Tensor x = Tensor.of(1, 2);
    assertTrue(x.requireFinite("x") == x);
  }

  @Test
  void oneHotWithNonIntegerLabel() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.oneHot(Tensor.of(0, Double.NaN), 3));
    assertMentions(e, "oneHot", "NaN", "position 1");
  }

  @Test
  void argmaxReportsTheFirstNaNLikeMax() {
    Tensor x = Tensor.of(new double[][] {{1, Double.NaN, 5, Double.NaN}, {Double.NaN, 7, 2, 0}});
    assertArrayEquals(new int[] {1, 0}, x.argmax(1));
    assertTrue(Double.isNaN(x.max(1).get(0)));
    assertArrayEquals(new int[] {2}, Tensor.of(1, 0, 5).argmax(0));
  }
}
