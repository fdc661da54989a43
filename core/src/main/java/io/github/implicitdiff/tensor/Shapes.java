package io.github.implicitdiff.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the kernels and the primitives: sizes, strides, broadcasting, axes. */
public final class Shapes {
  private Shapes() {}

  /** Number of elements of a tensor of this shape. */
  public static int size(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    if (n > Integer.MAX_VALUE) throw new ShapeException("shape " + str(shape) + " has more than 2^31 elements");
    return (int) n;
  }

  /** Row-major strides. */
  public static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /** The shape as NumPy prints it, e.g. {@code (3, 4)}. */
  public static String str(int[] shape) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) b.append(", ");
      b.append(shape[i]);
    }
    if (shape.length == 1) b.append(',');
    return b.append(')').toString();
  }

  /** NumPy broadcasting of two shapes; throws naming the operation and both shapes. */
  public static int[] broadcast(String op, int[] a, int[] b) {
    int n = Math.max(a.length, b.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int da = i < n - a.length ? 1 : a[i - (n - a.length)];
      int db = i < n - b.length ? 1 : b[i - (n - b.length)];
      if (da != db && da != 1 && db != 1)
        throw new ShapeException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together"
            + " (dimension " + i + ": " + da + " vs " + db + ")");
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** True when shape {@code from} broadcasts to {@code to}. */
  public static boolean broadcastsTo(int[] from, int[] to) {
    if (from.length > to.length) return false;
    int off = to.length - from.length;
    for (int i = 0; i < from.length; i++) if (from[i] != 1 && from[i] != to[i + off]) return false;
    return true;
  }

  /** Normalizes a possibly negative axis against {@code ndim}. */
  public static int axis(String op, int axis, int ndim) {
    int a = axis < 0 ? axis + ndim : axis;
    if (a < 0 || a >= ndim)
      throw new ShapeException(op + ": axis " + axis + " is out of range for a tensor with " + ndim + " dimensions");
    return a;
  }

  /** Normalizes, sorts and checks a list of axes; an empty list means all axes. */
  public static int[] axes(String op, int[] axes, int ndim) {
    if (axes == null || axes.length == 0) {
      int[] all = new int[ndim];
      for (int i = 0; i < ndim; i++) all[i] = i;
      return all;
    }
    int[] r = new int[axes.length];
    for (int i = 0; i < axes.length; i++) r[i] = axis(op, axes[i], ndim);
    Arrays.sort(r);
    for (int i = 1; i < r.length; i++)
      if (r[i] == r[i - 1]) throw new ShapeException(op + ": axis " + r[i] + " repeated in " + Arrays.toString(axes));
    return r;
  }

  /** Shape after reducing {@code axes} (sorted, normalized). */
  public static int[] reduced(int[] shape, int[] axes, boolean keepDims) {
    boolean[] red = new boolean[shape.length];
    for (int a : axes) red[a] = true;
    int n = keepDims ? shape.length : shape.length - axes.length;
    int[] out = new int[n];
    int j = 0;
    for (int i = 0; i < shape.length; i++) {
      if (!red[i]) out[j++] = shape[i];
      else if (keepDims) out[j++] = 1;
    }
    return out;
  }

  /** Throws unless the two shapes are equal. */
  public static void requireSame(String op, Tensor a, Tensor b) {
    if (!Arrays.equals(a.shape(), b.shape()))
      throw new ShapeException(op + ": shapes " + a.shapeString() + " and " + b.shapeString() + " must be equal");
  }

  /** Throws unless the tensor has {@code ndim} dimensions. */
  public static void requireRank(String op, Tensor a, int ndim) {
    if (a.ndim() != ndim)
      throw new ShapeException(op + ": expected a tensor with " + ndim + " dimension(s), got shape " + a.shapeString());
  }
}
