package io.github.implicitdiff.tensor;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Forward values of the kernels against index-by-index references (the gradient checks only show that a
 * kernel and its rules agree, not that the kernel computes the right thing), and the no-copy shortcuts.
 */
class KernelValuesTest {
  /** Reads t at a multi-index of the broadcast output shape (NumPy rules: size-1 dimensions repeat). */
  private static double at(Tensor t, int[] outIndex) {
    int[] s = t.shape();
    int[] idx = new int[s.length];
    int off = outIndex.length - s.length;
    for (int i = 0; i < s.length; i++) idx[i] = s[i] == 1 ? 0 : outIndex[i + off];
    return t.get(idx);
  }

  private static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      idx[i] = flat % shape[i];
      flat /= shape[i];
    }
    return idx;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void broadcastingBinaryOpsComparisonsAndWhere(long seed) {
    Random rng = new Random(seed);
    for (int[][] p : ElementwiseGradientTest.SHAPE_PAIRS) {
      Tensor a = Tensor.randn(rng, p[0]), b = Tensor.randn(rng, p[1]);
      Tensor sum = a.add(b), quotient = a.div(b), maximum = a.maximum(b), greater = a.gt(b), where = Tensor.where(greater, a, b);
      Tensor difference = b.sub(a);
      int[] out = sum.shape();
      for (int k = 0; k < sum.size(); k++) {
        int[] i = unravel(k, out);
        double x = at(a, i), y = at(b, i);
        assertArrayEquals(new double[] {x + y, x / y, Math.max(x, y), x > y ? 1 : 0, x > y ? x : y, y - x},
            new double[] {sum.get(i), quotient.get(i), maximum.get(i), greater.get(i), where.get(i), difference.get(i)}, 0);
      }
    }
  }

  @Test
  void floorAndRoundValues() {
    Tensor x = Tensor.of(-2.5, -1.5, -0.5, -0.2, 0, 0.5, 1.5, 2.5, 2.7, -3.0, Double.NaN);
    assertArrayEquals(new double[] {-3, -2, -1, -1, 0, 0, 1, 2, 2, -3, Double.NaN}, x.floor().toDoubleArray(), 0);
    // halves to even, as NumPy's round
    assertArrayEquals(new double[] {-2, -2, -0.0, -0.0, 0, 0, 2, 2, 3, -3, Double.NaN}, x.round().toDoubleArray(), 0);
    Tensor m = Tensor.of(new double[][] {{0.4, -0.6}, {7.5, 8.5}});
    assertArrayEquals(new int[] {2, 2}, m.round().shape());
    assertArrayEquals(new double[] {0, -1, 8, 8}, m.round().toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, -1, 7, 8}, m.floor().toDoubleArray(), 0);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void reductionsOverEveryAxisSet(long seed) {
    Random rng = new Random(seed);
    Tensor x = Tensor.randn(rng, 2, 3, 4);
    int[][] axisSets = {{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};
    for (int[] axes : axisSets) {
      Tensor s = x.sum(axes, true), mx = x.max(axes, true), mn = x.min(axes, true);
      double[] es = new double[s.size()], emx = new double[s.size()], emn = new double[s.size()];
      java.util.Arrays.fill(emx, Double.NEGATIVE_INFINITY);
      java.util.Arrays.fill(emn, Double.POSITIVE_INFINITY);
      for (int k = 0; k < x.size(); k++) {
        int[] i = unravel(k, x.shape());
        for (int a : axes) i[a] = 0;
        int j = 0;
        for (int d = 0; d < 3; d++) j = j * s.dim(d) + i[d];
        double v = x.toDoubleArray()[k];
        es[j] += v;
        emx[j] = Math.max(emx[j], v);
        emn[j] = Math.min(emn[j], v);
      }
      assertClose("sum " + java.util.Arrays.toString(axes), es, s.toDoubleArray(), 1e-14);
      assertArrayEquals(emx, mx.toDoubleArray(), 0);
      assertArrayEquals(emn, mn.toDoubleArray(), 0);
    }
  }

  @Test
  void layoutKernels() {
    Tensor x = Tensor.arange(24).reshape(2, 3, 4);
    Tensor p = x.transpose(2, 0, 1);
    for (int a = 0; a < 2; a++) for (int b = 0; b < 3; b++) for (int c = 0; c < 4; c++)
      assertArrayEquals(new double[] {x.get(a, b, c)}, new double[] {p.get(c, a, b)}, 0);
    assertArrayEquals(new double[] {13, 15, 17, 19}, x.index(0, 1).slice(0, 0, 2).slice(1, 1, 4, 2).reshape(-1)
        .toDoubleArray(), 0);
    assertArrayEquals(new double[] {4, 0, 4}, x.index(2, 0).index(0, 0).take(new int[] {1, 0, 1}, 0).toDoubleArray(), 0);
    assertArrayEquals(new double[] {8, 0, 20, 12}, x.index(2, 0).take(new int[] {2, 0}, 1).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 0, 5, 5}, x.index(0, 0).index(1, 0).reshape(1, 3).broadcastTo(2, 3)
        .div(4).takeAlongAxis(new int[] {1, 0, 2, 2}, new int[] {2, 2}, 1).add(Tensor.of(0, 0)).mul(Tensor.of(new double[][] {{1, 1}, {2.5, 2.5}}))
        .toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 0, 1}, Tensor.concat(0, Tensor.arange(6).reshape(3, 2), Tensor.arange(2).reshape(1, 2))
        .reshape(-1).toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, 1, 3, 6}, Tensor.arange(4).cumsum(0).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2, 3, 0, 2, 7}, Tensor.of(new double[][] {{3, 1, 2}, {7, 0, 2}}).sort(1).toDoubleArray(), 0);
  }

  /** concat and stack element by element, for every axis and mixed widths (the column-stacking fast path included). */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void concatAndStackPlaceEveryElement(long seed) {
    Random rng = new Random(seed);
    int[] base = {2 + rng.nextInt(3), 1 + rng.nextInt(4), 2 + rng.nextInt(3)};
    for (int axis = 0; axis < 3; axis++) {
      Tensor[] parts = new Tensor[1 + rng.nextInt(4)];
      int total = 0;
      for (int i = 0; i < parts.length; i++) {
        int[] shape = base.clone();
        shape[axis] = 1 + (axis == 1 ? rng.nextInt(3) : 0);
        parts[i] = Tensor.randn(rng, shape);
        total += shape[axis];
      }
      Tensor c = Tensor.concat(axis, parts);
      int[] idx = new int[3];
      for (idx[0] = 0; idx[0] < c.dim(0); idx[0]++)
        for (idx[1] = 0; idx[1] < c.dim(1); idx[1]++)
          for (idx[2] = 0; idx[2] < c.dim(2); idx[2]++) {
            int k = idx[axis], i = 0;
            while (k >= parts[i].dim(axis)) k -= parts[i++].dim(axis);
            int[] at = idx.clone();
            at[axis] = k;
            assertArrayEquals(new double[] {parts[i].get(at)}, new double[] {c.get(idx)}, 0);
          }
      assertArrayEquals(new int[] {axis == 0 ? total : base[0], axis == 1 ? total : base[1], axis == 2 ? total : base[2]}, c.shape());
    }
    Tensor[] vectors = new Tensor[2 + rng.nextInt(4)];
    int length = 3 + rng.nextInt(5);
    for (int i = 0; i < vectors.length; i++) vectors[i] = Tensor.randn(rng, length);
    Tensor columns = Tensor.stack(1, vectors);
    for (int r = 0; r < columns.dim(0); r++)
      for (int i = 0; i < vectors.length; i++)
        assertArrayEquals(new double[] {vectors[i].get(r)}, new double[] {columns.get(r, i)}, 0);
  }

  @Test
  void shortcutsReturnTheSameTensorWithoutCopying() {
    Tensor x = Tensor.randn(new Random(1), 3, 4);
    assertSame(x, x.reshape(3, 4));
    assertSame(x, x.broadcastTo(3, 4));
    assertSame(x, x.sumTo(3, 4));
    assertSame(x, x.transpose(0, 1));
    assertSame(x, x.slice(1, 0, 4));
    assertSame(x, Tensor.concat(0, x));
    assertSame(x, x.stopGradient());
    Tensor s = Tensor.scalar(2);
    assertSame(s, s.sum());
    assertFalse(x.add(1).isTraced(), "untraced arguments give an untraced result");
  }
}
