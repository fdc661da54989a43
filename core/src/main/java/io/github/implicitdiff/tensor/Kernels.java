package io.github.implicitdiff.tensor;

import java.util.Arrays;

/**
 * The numeric loops on concrete tensors: no tracing, no derivatives. Each kernel returns a new tensor.
 * Axis operations view a tensor as (outer, n, inner) around the axis.
 */
final class Kernels {
  private Kernels() {}

  enum Bin {
    ADD("add"), SUB("sub"), MUL("mul"), DIV("div"), POW("pow"), MAX("maximum"), MIN("minimum");

    /** The operation's name in error messages (computed once, not per call). */
    final String label;

    Bin(String label) {
      this.label = label;
    }
  }

  enum Cmp {
    GT("gt"), GE("ge"), LT("lt"), LE("le"), EQ("eq");

    final String label;

    Cmp(String label) {
      this.label = label;
    }
  }

  // ---------------------------------------------------------------- broadcasting helpers

  /** Strides of {@code shape} when read as {@code out} (0 along broadcast dimensions). */
  static int[] broadcastStrides(int[] shape, int[] out) {
    int[] st = Shapes.strides(shape);
    int[] r = new int[out.length];
    int off = out.length - shape.length;
    for (int i = 0; i < shape.length; i++) r[i + off] = shape[i] == 1 ? 0 : st[i];
    return r;
  }

  /** Flat source offsets of every element of {@code out} read from a tensor of {@code shape}. */
  static int[] broadcastIndex(int[] shape, int[] out) {
    int n = Shapes.size(out);
    int[] idx = new int[n];
    int[] st = broadcastStrides(shape, out);
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

  /** a read as shape {@code out}; a itself (no copy) when the shapes already agree. */
  static Tensor broadcastTo(Tensor a, int[] out) {
    if (Arrays.equals(a.shapeRef(), out)) return a;
    double[] s = a.values();
    double[] d = new double[Shapes.size(out)];
    if (s.length == 1) Arrays.fill(d, s[0]);
    else {
      int[] idx = broadcastIndex(a.shapeRef(), out);
      for (int k = 0; k < d.length; k++) d[k] = s[idx[k]];
    }
    return Tensor.wrap(d, out.clone());
  }

  // ---------------------------------------------------------------- elementwise

  static Tensor binary(Bin op, Tensor a, Tensor b) {
    int[] sa = a.shapeRef(), sb = b.shapeRef();
    double[] x = a.values(), y = b.values();
    if (Arrays.equals(sa, sb)) {
      double[] d = new double[x.length];
      switch (op) {
        case ADD: for (int i = 0; i < d.length; i++) d[i] = x[i] + y[i]; break;
        case SUB: for (int i = 0; i < d.length; i++) d[i] = x[i] - y[i]; break;
        case MUL: for (int i = 0; i < d.length; i++) d[i] = x[i] * y[i]; break;
        case DIV: for (int i = 0; i < d.length; i++) d[i] = x[i] / y[i]; break;
        default: for (int i = 0; i < d.length; i++) d[i] = apply(op, x[i], y[i]);
      }
      return Tensor.wrap(d, sa.clone());
    }
    // a one-element operand of no higher rank broadcasts without index arithmetic
    if (y.length == 1 && sb.length <= sa.length) {
      double[] d = new double[x.length];
      double c = y[0];
      switch (op) {
        case ADD: for (int i = 0; i < d.length; i++) d[i] = x[i] + c; break;
        case SUB: for (int i = 0; i < d.length; i++) d[i] = x[i] - c; break;
        case MUL: for (int i = 0; i < d.length; i++) d[i] = x[i] * c; break;
        case DIV: for (int i = 0; i < d.length; i++) d[i] = x[i] / c; break;
        default: for (int i = 0; i < d.length; i++) d[i] = apply(op, x[i], c);
      }
      return Tensor.wrap(d, sa.clone());
    }
    if (x.length == 1 && sa.length <= sb.length) {
      double[] d = new double[y.length];
      double c = x[0];
      switch (op) {
        case ADD: for (int i = 0; i < d.length; i++) d[i] = c + y[i]; break;
        case SUB: for (int i = 0; i < d.length; i++) d[i] = c - y[i]; break;
        case MUL: for (int i = 0; i < d.length; i++) d[i] = c * y[i]; break;
        case DIV: for (int i = 0; i < d.length; i++) d[i] = c / y[i]; break;
        default: for (int i = 0; i < d.length; i++) d[i] = apply(op, c, y[i]);
      }
      return Tensor.wrap(d, sb.clone());
    }
    int[] out = Shapes.broadcast(op.label, sa, sb);
    double[] d = new double[Shapes.size(out)];
    // Row broadcast (m, n) op (n,) is common: inner loop over the last dimension.
    if (Arrays.equals(out, sa) && sb.length >= 1 && y.length == out[out.length - 1] && y.length > 1
        && allOnesBeforeLast(sb)) {
      int n = y.length;
      for (int r = 0; r < d.length; r += n)
        for (int j = 0; j < n; j++) d[r + j] = apply(op, x[r + j], y[j]);
      return Tensor.wrap(d, out);
    }
    int[] ia = broadcastIndex(sa, out), ib = broadcastIndex(sb, out);
    for (int k = 0; k < d.length; k++) d[k] = apply(op, x[ia[k]], y[ib[k]]);
    return Tensor.wrap(d, out);
  }

  private static boolean allOnesBeforeLast(int[] s) {
    for (int i = 0; i < s.length - 1; i++) if (s[i] != 1) return false;
    return true;
  }

  static double apply(Bin op, double x, double y) {
    switch (op) {
      case ADD: return x + y;
      case SUB: return x - y;
      case MUL: return x * y;
      case DIV: return x / y;
      case POW: return y == 2 ? x * x : Math.pow(x, y);
      case MAX: return Math.max(x, y);
      case MIN: return Math.min(x, y);
      default: throw new AssertionError(op);
    }
  }

  /**
   * Values of {@code t} read as shape {@code out}: its own array when the shapes agree or when it has one
   * element (the caller reads index {@code i * stride(t)}), a broadcast copy otherwise.
   */
  private static double[] operand(Tensor t, int[] out) {
    return t.values().length == 1 ? t.values() : broadcastTo(t, out).values();
  }

  /** 0 for a one-element operand (always read index 0), 1 otherwise. */
  private static int stride(double[] v) {
    return v.length == 1 ? 0 : 1;
  }

  static Tensor compare(Cmp op, Tensor a, Tensor b) {
    int[] out = Shapes.broadcast(op.label, a.shapeRef(), b.shapeRef());
    int n = Shapes.size(out);
    double[] x = operand(a, out), y = operand(b, out);
    int sx = stride(x), sy = stride(y);
    double[] d = new double[n];
    switch (op) {
      case GT: for (int i = 0; i < n; i++) d[i] = x[i * sx] > y[i * sy] ? 1 : 0; break;
      case GE: for (int i = 0; i < n; i++) d[i] = x[i * sx] >= y[i * sy] ? 1 : 0; break;
      case LT: for (int i = 0; i < n; i++) d[i] = x[i * sx] < y[i * sy] ? 1 : 0; break;
      case LE: for (int i = 0; i < n; i++) d[i] = x[i * sx] <= y[i * sy] ? 1 : 0; break;
      default: for (int i = 0; i < n; i++) d[i] = x[i * sx] == y[i * sy] ? 1 : 0;
    }
    return Tensor.wrap(d, out);
  }

  static Tensor where(Tensor mask, Tensor a, Tensor b) {
    int[] out = Shapes.broadcast("where", Shapes.broadcast("where", mask.shapeRef(), a.shapeRef()), b.shapeRef());
    int n = Shapes.size(out);
    double[] m = operand(mask, out), x = operand(a, out), y = operand(b, out);
    int sm = stride(m), sx = stride(x), sy = stride(y);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = m[i * sm] != 0 ? x[i * sx] : y[i * sy];
    return Tensor.wrap(d, out);
  }

  // ---------------------------------------------------------------- layout

  static Tensor permute(Tensor a, int[] perm) {
    int[] s = a.shapeRef();
    int nd = s.length;
    int[] out = new int[nd];
    for (int i = 0; i < nd; i++) out[i] = s[perm[i]];
    double[] x = a.values();
    double[] d = new double[x.length];
    if (nd == 2) {
      int m = s[0], n = s[1];
      final int B = 32; // blocked 2-d transpose
      for (int i0 = 0; i0 < m; i0 += B)
        for (int j0 = 0; j0 < n; j0 += B)
          for (int i = i0; i < Math.min(m, i0 + B); i++)
            for (int j = j0; j < Math.min(n, j0 + B); j++) d[j * m + i] = x[i * n + j];
      return Tensor.wrap(d, out);
    }
    int[] st = Shapes.strides(s);
    int[] pst = new int[nd];
    for (int i = 0; i < nd; i++) pst[i] = st[perm[i]];
    int[] counter = new int[nd];
    int off = 0;
    for (int k = 0; k < d.length; k++) {
      d[k] = x[off];
      for (int q = nd - 1; q >= 0; q--) {
        counter[q]++;
        off += pst[q];
        if (counter[q] < out[q]) break;
        off -= pst[q] * out[q];
        counter[q] = 0;
      }
    }
    return Tensor.wrap(d, out);
  }

  static int outer(int[] s, int axis) {
    int o = 1;
    for (int i = 0; i < axis; i++) o *= s[i];
    return o;
  }

  static int inner(int[] s, int axis) {
    int o = 1;
    for (int i = axis + 1; i < s.length; i++) o *= s[i];
    return o;
  }

  static Tensor slice(Tensor a, int axis, int start, int stop, int step) {
    int[] s = a.shapeRef();
    int len = (stop - start + step - 1) / step;
    int[] out = s.clone();
    out[axis] = len;
    int o = outer(s, axis), in = inner(s, axis), n = s[axis];
    double[] x = a.values(), d = new double[o * len * in];
    for (int p = 0; p < o; p++)
      for (int j = 0; j < len; j++)
        System.arraycopy(x, (p * n + start + j * step) * in, d, (p * len + j) * in, in);
    return Tensor.wrap(d, out);
  }

  /** Zeros of {@code full} shape with {@code g} written at the slice positions (the slice's transpose). */
  static Tensor unslice(Tensor g, int axis, int start, int step, int[] full) {
    int[] s = g.shapeRef();
    int len = s[axis], o = outer(full, axis), in = inner(full, axis), n = full[axis];
    double[] x = g.values(), d = new double[Shapes.size(full)];
    for (int p = 0; p < o; p++)
      for (int j = 0; j < len; j++)
        System.arraycopy(x, (p * len + j) * in, d, (p * n + start + j * step) * in, in);
    return Tensor.wrap(d, full.clone());
  }

  static Tensor take(Tensor a, int axis, int[] idx) {
    int[] s = a.shapeRef();
    int[] out = s.clone();
    out[axis] = idx.length;
    int o = outer(s, axis), in = inner(s, axis), n = s[axis];
    double[] x = a.values(), d = new double[o * idx.length * in];
    for (int p = 0; p < o; p++)
      for (int j = 0; j < idx.length; j++)
        System.arraycopy(x, (p * n + idx[j]) * in, d, (p * idx.length + j) * in, in);
    return Tensor.wrap(d, out);
  }

  /** Transpose of {@link #take}: adds each gathered slice back at its index. */
  static Tensor untake(Tensor g, int axis, int[] idx, int[] full) {
    int o = outer(full, axis), in = inner(full, axis), n = full[axis];
    double[] x = g.values(), d = new double[Shapes.size(full)];
    for (int p = 0; p < o; p++)
      for (int j = 0; j < idx.length; j++) {
        int src = (p * idx.length + j) * in, dst = (p * n + idx[j]) * in;
        for (int q = 0; q < in; q++) d[dst + q] += x[src + q];
      }
    return Tensor.wrap(d, full.clone());
  }

  /** take_along_axis: out[p, j, q] = a[p, idx[p, j, q], q]. */
  static Tensor takeAlong(Tensor a, int axis, int[] idx, int[] idxShape) {
    int[] s = a.shapeRef();
    int o = outer(s, axis), in = inner(s, axis), n = s[axis], m = idxShape[axis];
    double[] x = a.values(), d = new double[idx.length];
    for (int p = 0; p < o; p++)
      for (int j = 0; j < m; j++)
        for (int q = 0; q < in; q++) {
          int k = (p * m + j) * in + q;
          d[k] = x[(p * n + idx[k]) * in + q];
        }
    return Tensor.wrap(d, idxShape.clone());
  }

  static Tensor untakeAlong(Tensor g, int axis, int[] idx, int[] idxShape, int[] full) {
    int o = outer(full, axis), in = inner(full, axis), n = full[axis], m = idxShape[axis];
    double[] x = g.values(), d = new double[Shapes.size(full)];
    for (int p = 0; p < o; p++)
      for (int j = 0; j < m; j++)
        for (int q = 0; q < in; q++) {
          int k = (p * m + j) * in + q;
          d[(p * n + idx[k]) * in + q] += x[k];
        }
    return Tensor.wrap(d, full.clone());
  }

  static Tensor concat(int axis, Tensor[] xs) {
    int[] out = xs[0].shapeRef().clone();
    int total = 0;
    for (Tensor x : xs) total += x.shapeRef()[axis];
    out[axis] = total;
    int o = outer(out, axis), in = inner(out, axis);
    double[] d = new double[Shapes.size(out)];
    double[][] v = new double[xs.length][];
    int[] run = new int[xs.length]; // input i contributes run[i] contiguous values to each outer block
    for (int i = 0; i < xs.length; i++) {
      v[i] = xs[i].values();
      run[i] = xs[i].shapeRef()[axis] * in;
    }
    if (Arrays.stream(run).allMatch(r -> r == 1)) { // vectors stacked as columns: a transpose, 3–4× faster than the runs below
      int k = xs.length;
      for (int i = 0; i < k; i++) {
        double[] vi = v[i];
        for (int p = 0; p < o; p++) d[p * k + i] = vi[p];
      }
      return Tensor.wrap(d, out);
    }
    // output block p is the inputs' p-th runs one after another: write d in order
    int at = 0;
    for (int p = 0; p < o; p++)
      for (int i = 0; i < xs.length; i++) {
        int r = run[i], src = p * r;
        if (r >= 16) {
          System.arraycopy(v[i], src, d, at, r);
        } else { // short runs (vectors stacked as columns): System.arraycopy costs more than it copies
          double[] vi = v[i];
          for (int q = 0; q < r; q++) d[at + q] = vi[src + q];
        }
        at += r;
      }
    return Tensor.wrap(d, out);
  }

  // ---------------------------------------------------------------- reductions

  static Tensor sum(Tensor a, int[] axes, boolean keepDims) {
    int[] s = a.shapeRef();
    int[] out = Shapes.reduced(s, axes, keepDims);
    double[] x = a.values();
    if (axes.length == s.length) {
      double t = 0;
      for (double v : x) t += v;
      double[] d = new double[] {t};
      return Tensor.wrap(d, out);
    }
    if (contiguous(axes)) {
      int lo = axes[0], hi = axes[axes.length - 1];
      int o = outer(s, lo), in = inner(s, hi), n = 1;
      for (int ax : axes) n *= s[ax];
      double[] d = new double[o * in];
      for (int p = 0; p < o; p++) {
        int base = p * n * in;
        if (in == 1) {
          double t = 0;
          for (int j = 0; j < n; j++) t += x[base + j];
          d[p] = t;
        } else {
          for (int j = 0; j < n; j++) {
            int src = base + j * in, dst = p * in;
            for (int q = 0; q < in; q++) d[dst + q] += x[src + q];
          }
        }
      }
      return Tensor.wrap(d, out);
    }
    int[] keep = Shapes.reduced(s, axes, true);
    int[] idx = broadcastIndex(keep, s);
    double[] d = new double[Shapes.size(keep)];
    for (int k = 0; k < x.length; k++) d[idx[k]] += x[k];
    return Tensor.wrap(d, out);
  }

  private static boolean contiguous(int[] axes) {
    for (int i = 1; i < axes.length; i++) if (axes[i] != axes[i - 1] + 1) return false;
    return true;
  }

  static Tensor extremum(Tensor a, int[] axes, boolean keepDims, boolean max) {
    int[] s = a.shapeRef();
    int[] keep = Shapes.reduced(s, axes, true);
    int[] idx = broadcastIndex(keep, s);
    double[] x = a.values();
    double[] d = new double[Shapes.size(keep)];
    Arrays.fill(d, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    for (int k = 0; k < x.length; k++) {
      double v = x[k];
      int j = idx[k];
      if (Double.isNaN(v)) d[j] = v;
      else if (max ? v > d[j] : v < d[j]) d[j] = v;
    }
    return Tensor.wrap(d, Shapes.reduced(s, axes, keepDims));
  }

  static Tensor cumsum(Tensor a, int axis, boolean reverse) {
    int[] s = a.shapeRef();
    int o = outer(s, axis), in = inner(s, axis), n = s[axis];
    double[] x = a.values(), d = new double[x.length];
    for (int p = 0; p < o; p++)
      for (int q = 0; q < in; q++) {
        double t = 0;
        for (int jj = 0; jj < n; jj++) {
          int j = reverse ? n - 1 - jj : jj;
          int k = (p * n + j) * in + q;
          t += x[k];
          d[k] = t;
        }
      }
    return Tensor.wrap(d, s.clone());
  }

  static int[] argsort(Tensor a, int axis) {
    int[] s = a.shapeRef();
    int o = outer(s, axis), in = inner(s, axis), n = s[axis];
    double[] x = a.values();
    int[] r = new int[x.length];
    Integer[] perm = new Integer[n];
    double[] line = new double[n];
    for (int p = 0; p < o; p++)
      for (int q = 0; q < in; q++) {
        for (int j = 0; j < n; j++) {
          perm[j] = j;
          line[j] = x[(p * n + j) * in + q];
        }
        Arrays.sort(perm, (i, j) -> Double.compare(line[i], line[j]));
        for (int j = 0; j < n; j++) r[(p * n + j) * in + q] = perm[j];
      }
    return r;
  }

  static int[] argExtremum(Tensor a, int axis, boolean max) {
    int[] s = a.shapeRef();
    int o = outer(s, axis), in = inner(s, axis), n = s[axis];
    double[] x = a.values();
    int[] r = new int[o * in];
    for (int p = 0; p < o; p++)
      for (int q = 0; q < in; q++) {
        int best = 0;
        double bv = x[p * n * in + q];
        for (int j = 1; j < n && !Double.isNaN(bv); j++) {
          double v = x[(p * n + j) * in + q];
          if (Double.isNaN(v) || (max ? v > bv : v < bv)) {
            bv = v;
            best = j;
          }
        }
        r[p * in + q] = best;
      }
    return r;
  }
}
