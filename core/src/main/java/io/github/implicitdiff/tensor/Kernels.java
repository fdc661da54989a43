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

  /**
   * Walks a broadcast output shape block by block, a block being its last two dimensions (rows × length),
   * and keeps for each operand the flat offset at which the current block starts and its strides along a
   * block's rows and columns (0 where the operand is broadcast). The loops read the operands in place, in
   * two tight nested loops per block, so no broadcast copy or per-element index array is allocated: only
   * these few arrays of the rank's length.
   */
  static final class Blocks {
    private final int[] out;
    private final int[][] strides;
    private final int[] counter;
    /** Per operand, the flat offset of the current block's first element. */
    final int[] at;
    /** Elements per row (1 for a 0-d output), rows per block (1 below two dimensions), number of blocks. */
    final int length, rows, count;

    /** Blocks of {@code out}, read from operands of the given shapes (each broadcasting to {@code out}). */
    Blocks(int[] out, int[]... shapes) {
      this.out = out;
      strides = new int[shapes.length][];
      for (int k = 0; k < shapes.length; k++) strides[k] = broadcastStrides(shapes[k], out);
      counter = new int[out.length];
      at = new int[shapes.length];
      int nd = out.length;
      length = nd == 0 ? 1 : out[nd - 1];
      rows = nd < 2 ? 1 : out[nd - 2];
      count = length == 0 || rows == 0 ? 0 : Shapes.size(out) / (length * rows);
    }

    /** Operand {@code k}'s stride along a row. */
    int step(int k) {
      return out.length == 0 ? 0 : strides[k][out.length - 1];
    }

    /** Operand {@code k}'s stride from one row of a block to the next. */
    int rowStep(int k) {
      return out.length < 2 ? 0 : strides[k][out.length - 2];
    }

    /** Moves {@link #at} to the next block. */
    void next() {
      for (int d = out.length - 3; d >= 0; d--) {
        counter[d]++;
        for (int k = 0; k < at.length; k++) at[k] += strides[k][d];
        if (counter[d] < out[d]) return;
        for (int k = 0; k < at.length; k++) at[k] -= strides[k][d] * out[d];
        counter[d] = 0;
      }
    }
  }

  /** a read as shape {@code out}; a itself (no copy) when the shapes already agree. */
  static Tensor broadcastTo(Tensor a, int[] out) {
    if (Arrays.equals(a.shapeRef(), out)) return a;
    double[] s = a.values();
    double[] d = new double[Shapes.size(out)];
    if (s.length == 1) Arrays.fill(d, s[0]);
    else {
      Blocks blocks = new Blocks(out, a.shapeRef());
      int m = blocks.rows, n = blocks.length, u = blocks.step(0), ru = blocks.rowStep(0);
      for (int blk = 0, k = 0; blk < blocks.count; blk++, blocks.next())
        for (int i = 0, o = blocks.at[0]; i < m; i++, o += ru)
          for (int j = 0; j < n; j++) d[k++] = s[o + j * u];
    }
    return Tensor.wrap(d, out.clone());
  }

  // ---------------------------------------------------------------- elementwise

  static Tensor binary(Bin op, Tensor a, Tensor b) {
    int[] sa = a.shapeRef(), sb = b.shapeRef();
    double[] x = a.values(), y = b.values();
    if (Arrays.equals(sa, sb)) return Tensor.wrap(row(op, x, 0, 1, y, 0, 1, new double[x.length], 0, x.length), sa.clone());
    // a one-element operand of no higher rank broadcasts without index arithmetic
    if (y.length == 1 && sb.length <= sa.length)
      return Tensor.wrap(row(op, x, 0, 1, y, 0, 0, new double[x.length], 0, x.length), sa.clone());
    if (x.length == 1 && sa.length <= sb.length)
      return Tensor.wrap(row(op, x, 0, 0, y, 0, 1, new double[y.length], 0, y.length), sb.clone());
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
    Blocks blocks = new Blocks(out, sa, sb);
    int m = blocks.rows, n = blocks.length, ua = blocks.step(0), ub = blocks.step(1), ra = blocks.rowStep(0), rb = blocks.rowStep(1);
    for (int blk = 0, k = 0; blk < blocks.count; blk++, blocks.next())
      for (int i = 0, ia = blocks.at[0], ib = blocks.at[1]; i < m; i++, ia += ra, ib += rb, k += n) {
        if (n >= 8) row(op, x, ia, ua, y, ib, ub, d, k, n); // long rows: the loops of the common operations
        else for (int j = 0; j < n; j++) d[k + j] = apply(op, x[ia + j * ua], y[ib + j * ub]);
      }
    return Tensor.wrap(d, out);
  }

  private static boolean allOnesBeforeLast(int[] s) {
    for (int i = 0; i < s.length - 1; i++) if (s[i] != 1) return false;
    return true;
  }

  /**
   * d[k + j] = x[ia + j·ua] op y[ib + j·ub] for j &lt; n, the strides being 0 (a broadcast value) or 1; the
   * common operations get a loop of their own (one the JIT vectorizes when both strides are 1). Returns d.
   */
  private static double[] row(Bin op, double[] x, int ia, int ua, double[] y, int ib, int ub, double[] d, int k, int n) {
    if (ua == 1 && ub == 1) {
      switch (op) {
        case ADD: for (int j = 0; j < n; j++) d[k + j] = x[ia + j] + y[ib + j]; break;
        case SUB: for (int j = 0; j < n; j++) d[k + j] = x[ia + j] - y[ib + j]; break;
        case MUL: for (int j = 0; j < n; j++) d[k + j] = x[ia + j] * y[ib + j]; break;
        case DIV: for (int j = 0; j < n; j++) d[k + j] = x[ia + j] / y[ib + j]; break;
        default: for (int j = 0; j < n; j++) d[k + j] = apply(op, x[ia + j], y[ib + j]);
      }
    } else if (ub == 0) {
      double c = y[ib];
      switch (op) {
        case ADD: for (int j = 0; j < n; j++) d[k + j] = x[ia + j * ua] + c; break;
        case SUB: for (int j = 0; j < n; j++) d[k + j] = x[ia + j * ua] - c; break;
        case MUL: for (int j = 0; j < n; j++) d[k + j] = x[ia + j * ua] * c; break;
        case DIV: for (int j = 0; j < n; j++) d[k + j] = x[ia + j * ua] / c; break;
        default: for (int j = 0; j < n; j++) d[k + j] = apply(op, x[ia + j * ua], c);
      }
    } else {
      double c = x[ia];
      switch (op) {
        case ADD: for (int j = 0; j < n; j++) d[k + j] = c + y[ib + j]; break;
        case SUB: for (int j = 0; j < n; j++) d[k + j] = c - y[ib + j]; break;
        case MUL: for (int j = 0; j < n; j++) d[k + j] = c * y[ib + j]; break;
        case DIV: for (int j = 0; j < n; j++) d[k + j] = c / y[ib + j]; break;
        default: for (int j = 0; j < n; j++) d[k + j] = apply(op, c, y[ib + j]);
      }
    }
    return d;
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

  /** d += {@link #unslice}(g, …) without the zero tensor: g added at the slice positions of d (shape {@code full}). */
  static void unsliceAdd(Tensor g, int axis, int start, int step, int[] full, double[] d) {
    int[] s = g.shapeRef();
    int len = s[axis], o = outer(full, axis), in = inner(full, axis), n = full[axis];
    double[] x = g.values();
    for (int p = 0; p < o; p++)
      for (int j = 0; j < len; j++) {
        int src = (p * len + j) * in, dst = (p * n + start + j * step) * in;
        for (int q = 0; q < in; q++) d[dst + q] += x[src + q];
      }
  }

  /** Transpose of {@link #take}: adds each gathered slice back at its index. */
  static Tensor untake(Tensor g, int axis, int[] idx, int[] full) {
    double[] d = new double[Shapes.size(full)];
    untakeAdd(g, axis, idx, full, d);
    return Tensor.wrap(d, full.clone());
  }

  /** d += {@link #untake}(g, …): each gathered slice of g added back at its index in d (shape {@code full}). */
  static void untakeAdd(Tensor g, int axis, int[] idx, int[] full, double[] d) {
    int o = outer(full, axis), in = inner(full, axis), n = full[axis];
    double[] x = g.values();
    for (int p = 0; p < o; p++)
      for (int j = 0; j < idx.length; j++) {
        int src = (p * idx.length + j) * in, dst = (p * n + idx[j]) * in;
        for (int q = 0; q < in; q++) d[dst + q] += x[src + q];
      }
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
    double[] d = new double[Shapes.size(keep)];
    Blocks blocks = new Blocks(s, keep); // blocks of x; at[0]: where the block's values add up in d
    int m = blocks.rows, n = blocks.length, u = blocks.step(0), ru = blocks.rowStep(0);
    for (int blk = 0, k = 0; blk < blocks.count; blk++, blocks.next())
      for (int i = 0, o = blocks.at[0]; i < m; i++, o += ru)
        for (int j = 0; j < n; j++) d[o + j * u] += x[k++];
    return Tensor.wrap(d, out);
  }

  private static boolean contiguous(int[] axes) {
    for (int i = 1; i < axes.length; i++) if (axes[i] != axes[i - 1] + 1) return false;
    return true;
  }

  static Tensor extremum(Tensor a, int[] axes, boolean keepDims, boolean max) {
    int[] s = a.shapeRef();
    int[] keep = Shapes.reduced(s, axes, true);
    double[] x = a.values();
    double[] d = new double[Shapes.size(keep)];
    Arrays.fill(d, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    Blocks blocks = new Blocks(s, keep); // blocks of x; at[0]: where the block's extrema go in d
    int m = blocks.rows, n = blocks.length, u = blocks.step(0), ru = blocks.rowStep(0);
    for (int blk = 0, k = 0; blk < blocks.count; blk++, blocks.next())
      for (int i = 0, o = blocks.at[0]; i < m; i++, o += ru)
        for (int q = 0; q < n; q++) {
          double v = x[k++];
          int j = o + q * u;
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
