package io.github.implicitdiff.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.GradientCheck;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block walk of {@link Kernels.Blocks} (broadcast binary operations, broadcastTo, sums over non-contiguous axes,
 * max and min) against the readable reference it replaced: a flat source index for every output element, then
 * one loop over those indices. The results must agree to the bit (same elements, same order of accumulation)
 * on random shapes with broadcasting, 0-d and empty tensors, traced and untraced.
 */
class BroadcastKernelsTest {
  // ---------------------------------------------------------------- the reference (the former kernels)

  /** Flat source offsets of every element of {@code out} read from a tensor of {@code shape}. */
  static int[] broadcastIndex(int[] shape, int[] out) {
    int n = Shapes.size(out);
    int[] idx = new int[n];
    int[] st = Kernels.broadcastStrides(shape, out);
    int nd = out.length;
    int[] counter = new int[nd];
    int off = 0;
    for (int k = 0; k < n; k++) {
      idx[k] = off;
      for (int d = nd - 1; d >= 0; d--) {
        counter[d]++;
        off += st[d];
        if (counter[d] < out[d]) break;
        off -= st[d] * out[d];
        counter[d] = 0;
      }
    }
    return idx;
  }

  static double[] binary(Kernels.Bin op, Tensor a, Tensor b) {
    int[] out = Shapes.broadcast(op.label, a.shapeRef(), b.shapeRef());
    int[] ia = broadcastIndex(a.shapeRef(), out), ib = broadcastIndex(b.shapeRef(), out);
    double[] x = a.values(), y = b.values(), d = new double[ia.length];
    for (int k = 0; k < d.length; k++) d[k] = Kernels.apply(op, x[ia[k]], y[ib[k]]);
    return d;
  }

  static double[] broadcastTo(Tensor a, int[] out) {
    int[] idx = broadcastIndex(a.shapeRef(), out);
    double[] s = a.values(), d = new double[idx.length];
    for (int k = 0; k < d.length; k++) d[k] = s[idx[k]];
    return d;
  }

  static double[] sum(Tensor a, int[] axes) {
    int[] keep = Shapes.reduced(a.shapeRef(), axes, true);
    int[] idx = broadcastIndex(keep, a.shapeRef());
    double[] x = a.values(), d = new double[Shapes.size(keep)];
    for (int k = 0; k < x.length; k++) d[idx[k]] += x[k];
    return d;
  }

  static double[] extremum(Tensor a, int[] axes, boolean max) {
    int[] keep = Shapes.reduced(a.shapeRef(), axes, true);
    int[] idx = broadcastIndex(keep, a.shapeRef());
    double[] x = a.values(), d = new double[Shapes.size(keep)];
    Arrays.fill(d, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    for (int k = 0; k < x.length; k++) {
      double v = x[k];
      int j = idx[k];
      if (Double.isNaN(v)) d[j] = v;
      else if (max ? v > d[j] : v < d[j]) d[j] = v;
    }
    return d;
  }

  // ---------------------------------------------------------------- random cases

  /** A random shape of rank 0–4 with dimensions 0–4 (0 rarely) or, now and then, rows long enough for the row loops. */
  private static int[] shape(Random rng) {
    int[] s = new int[rng.nextInt(5)];
    for (int i = 0; i < s.length; i++) s[i] = rng.nextInt(12) == 0 ? 0 : rng.nextInt(6) == 0 ? 8 + rng.nextInt(5) : 1 + rng.nextInt(4);
    return s;
  }

  /** A shape that broadcasts with {@code s}: some dimensions set to 1, some leading ones dropped. */
  private static int[] partner(Random rng, int[] s) {
    int[] p = Arrays.copyOfRange(s, rng.nextInt(s.length + 1), s.length);
    for (int i = 0; i < p.length; i++) if (rng.nextInt(3) == 0) p[i] = 1;
    return p;
  }

  /** Values with repeats (ties for max and min), signed zeros, and now and then a NaN. */
  private static Tensor values(Random rng, int[] s) {
    double[] d = new double[Shapes.size(s)];
    for (int i = 0; i < d.length; i++) {
      int c = rng.nextInt(20);
      d[i] = c == 0 ? Double.NaN : c == 1 ? -0.0 : c < 5 ? 1.5 : rng.nextGaussian();
    }
    return Tensor.fromArray(d, s);
  }

  private static void assertBits(double[] expected, Tensor actual, String what) {
    double[] a = actual.toDoubleArray();
    assertEquals(expected.length, a.length, what);
    for (int i = 0; i < a.length; i++)
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(a[i]),
          what + " at " + i + ": " + expected[i] + " vs " + a[i]);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void binaryOperationsMatchTheIndexReferenceToTheBit(long seed) {
    Random rng = new Random(seed);
    for (int t = 0; t < 200; t++) {
      int[] sa = shape(rng), sb = partner(rng, sa);
      Tensor a = values(rng, sa), b = values(rng, sb);
      if (rng.nextBoolean()) {
        Tensor swap = a;
        a = b;
        b = swap;
      }
      String what = Shapes.str(a.shapeRef()) + " and " + Shapes.str(b.shapeRef());
      for (Kernels.Bin op : Kernels.Bin.values())
        assertBits(binary(op, a, b), Kernels.binary(op, a, b), op + " of " + what);
      int[] out = Shapes.broadcast("test", a.shapeRef(), b.shapeRef());
      assertArrayEquals(out, Kernels.binary(Kernels.Bin.ADD, a, b).shape(), what);
      assertBits(broadcastTo(a, out), Kernels.broadcastTo(a, out), "broadcastTo " + Shapes.str(out) + " of " + what);
      int[] ia = broadcastIndex(a.shapeRef(), out), ib = broadcastIndex(b.shapeRef(), out);
      double[] greater = new double[ia.length], where = new double[ia.length];
      for (int k = 0; k < ia.length; k++) {
        greater[k] = a.values()[ia[k]] > b.values()[ib[k]] ? 1 : 0;
        where[k] = greater[k] != 0 ? a.values()[ia[k]] : b.values()[ib[k]];
      }
      assertBits(greater, Kernels.compare(Kernels.Cmp.GT, a, b), "gt of " + what);
      assertBits(where, Kernels.where(Kernels.compare(Kernels.Cmp.GT, a, b), a, b), "where of " + what);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void reductionsMatchTheIndexReferenceToTheBit(long seed) {
    Random rng = new Random(seed);
    for (int t = 0; t < 200; t++) {
      int[] s = shape(rng);
      Tensor a = values(rng, s);
      int[] axes = java.util.stream.IntStream.range(0, s.length).filter(i -> rng.nextBoolean()).toArray();
      if (axes.length == 0 && s.length > 0) axes = new int[] {rng.nextInt(s.length)};
      String what = Shapes.str(s) + " over " + Arrays.toString(axes);
      for (boolean keep : new boolean[] {true, false}) {
        int[] outShape = Shapes.reduced(s, axes, keep);
        Tensor sum = Kernels.sum(a, axes, keep);
        assertArrayEquals(outShape, sum.shape(), what);
        assertBits(sum(a, axes), sum, "sum " + what);
        if (a.size() > 0) {
          assertBits(extremum(a, axes, true), Kernels.extremum(a, axes, keep, true), "max " + what);
          assertBits(extremum(a, axes, false), Kernels.extremum(a, axes, keep, false), "min " + what);
        }
      }
    }
  }

  /** Through the tracers: the forward values of a traced computation equal the untraced ones to the bit. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void tracedBroadcastingAndReductionsMatchTheReference(long seed) {
    Random rng = new Random(seed);
    for (int t = 0; t < 40; t++) {
      int[] sa = shape(rng), sb = partner(rng, sa);
      Tensor a = Tensor.randn(rng, sa), b = Tensor.randn(rng, sb);
      int[] out = Shapes.broadcast("test", sa, sb);
      int[] axes = out.length == 0 || Shapes.size(out) == 0 ? new int[0] : new int[] {0, out.length - 1};
      if (axes.length == 2 && axes[0] == axes[1]) axes = new int[] {0};
      int[] ax = axes;
      MultiInputFunction f = in -> {
        Tensor p = in[0].mul(in[1]);
        return ax.length == 0 ? p : p.sub(p.max(ax, true)).sum(ax, true).add(p.min(ax, false).sum());
      };
      Tensor untraced = f.apply(a, b);
      Tensor product = Tensor.fromArray(binary(Kernels.Bin.MUL, a, b), out);
      assertBits(product.toDoubleArray(), a.mul(b), "product " + Shapes.str(sa) + " and " + Shapes.str(sb));
      Tensor traced = AD.jvp(x -> f.apply(x, b), a, Tensor.onesLike(a)).out();
      assertBits(untraced.toDoubleArray(), traced, "traced " + Shapes.str(sa) + " and " + Shapes.str(sb));
      if (a.size() > 0 && b.size() > 0)
        GradientCheck.check("mul, max, sum " + Shapes.str(sa) + " and " + Shapes.str(sb), f,
            rng, a, b);
    }
  }
}
