package io.github.implicitdiff.tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * An immutable, dense, float64, n-dimensional array with NumPy broadcasting.
 *
 * <p>Every differentiable operation goes through a {@link Primitive}: when no derivative is being
 * taken it is one kernel call; inside {@code AD.grad}/{@code AD.jvp} the innermost trace among the
 * arguments records or propagates it. Operations never modify their arguments.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 4}});
 * Tensor y = x.matmul(x.T()).add(1).sum(1);   // [6, 26]
 * double s = y.sum().item();                   // 32
 * }</pre>
 *
 * <p>Reading values ({@link #item()}, {@link #toDoubleArray()}, comparisons) is allowed on a traced
 * tensor: it reads the underlying concrete value and carries no derivative.
 */
public class Tensor {
  private final int[] shape;
  /** Row-major values; {@code null} for a tracer. */
  final double[] data;
  /** Cached off-heap copy used by the BLAS kernels (tensors are immutable, so it never goes stale). */
  volatile Object nativeMirror;
  /** Cached transpose of a concrete matrix (see {@link #T()}). */
  volatile Tensor transposed;

  /** Wraps {@code data} (not copied: callers hand over ownership). */
  Tensor(int[] shape, double[] data) {
    this.shape = shape;
    this.data = data;
    if (data.length != Shapes.size(shape))
      throw new ShapeException("tensor: " + data.length + " values do not fill shape " + Shapes.str(shape));
  }

  /** Constructor for tracers. */
  Tensor(int[] shape) {
    this.shape = shape.clone();
    this.data = null;
  }

  // ---------------------------------------------------------------- construction

  /** A vector of the given values. */
  public static Tensor of(double... values) {
    return new Tensor(new int[] {values.length}, values.clone());
  }

  /** A matrix from rows of equal length. */
  public static Tensor of(double[][] rows) {
    int m = rows.length, n = m == 0 ? 0 : rows[0].length;
    double[] d = new double[m * n];
    for (int i = 0; i < m; i++) {
      if (rows[i].length != n)
        throw new ShapeException("Tensor.of: row " + i + " has " + rows[i].length + " values, row 0 has " + n);
      System.arraycopy(rows[i], 0, d, i * n, n);
    }
    return new Tensor(new int[] {m, n}, d);
  }

  /** A tensor of the given shape filled from row-major {@code values} (copied). */
  public static Tensor fromArray(double[] values, int... shape) {
    if (values.length != Shapes.size(shape))
      throw new ShapeException("fromArray: " + values.length + " values do not fill shape " + Shapes.str(shape));
    return new Tensor(shape.clone(), values.clone());
  }

  /** Wraps an array without copying; the caller must not modify it afterwards. */
  static Tensor wrap(double[] values, int... shape) {
    return new Tensor(shape, values);
  }

  /** A 0-dimensional tensor. */
  public static Tensor scalar(double value) {
    return new Tensor(new int[0], new double[] {value});
  }

  /** A tensor of zeros: {@code Tensor.zeros(2, 3)}. */
  public static Tensor zeros(int... shape) {
    return new Tensor(shape.clone(), new double[Shapes.size(shape)]);
  }

  /** A tensor of ones: {@code Tensor.ones(3)} is [1, 1, 1]. */
  public static Tensor ones(int... shape) {
    return full(1.0, shape);
  }

  /** A tensor filled with {@code value}: {@code Tensor.full(0.5, 2, 2)}. */
  public static Tensor full(double value, int... shape) {
    double[] d = new double[Shapes.size(shape)];
    Arrays.fill(d, value);
    return new Tensor(shape.clone(), d);
  }

  /** Zeros with the shape of {@code like}. */
  public static Tensor zerosLike(Tensor like) {
    return zeros(like.shape);
  }

  /** Ones with the shape of {@code like}. */
  public static Tensor onesLike(Tensor like) {
    return ones(like.shape);
  }

  /** The n×n identity. */
  public static Tensor eye(int n) {
    double[] d = new double[n * n];
    for (int i = 0; i < n; i++) d[i * n + i] = 1;
    return new Tensor(new int[] {n, n}, d);
  }

  /** [0, 1, …, n−1]. */
  public static Tensor arange(int n) {
    return arange(0, n, 1);
  }

  /** [start, start+step, …) up to but excluding stop. */
  public static Tensor arange(double start, double stop, double step) {
    if (step == 0 || !Double.isFinite(step)) throw new IllegalArgumentException("arange: step must be finite and non-zero, got " + step);
    int n = (int) Math.max(0, Math.ceil((stop - start) / step));
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = start + i * step;
    return new Tensor(new int[] {n}, d);
  }

  /** n evenly spaced values from a to b inclusive. */
  public static Tensor linspace(double a, double b, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
    return new Tensor(new int[] {n}, d);
  }

  /** Standard normal entries from {@code rng}. */
  public static Tensor randn(Random rng, int... shape) {
    double[] d = new double[Shapes.size(shape)];
    for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
    return new Tensor(shape.clone(), d);
  }

  /** Uniform entries in [0, 1) from {@code rng}. */
  public static Tensor rand(Random rng, int... shape) {
    return uniform(rng, 0, 1, shape);
  }

  /** Uniform entries in [lo, hi) from {@code rng}. */
  public static Tensor uniform(Random rng, double lo, double hi, int... shape) {
    double[] d = new double[Shapes.size(shape)];
    for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextDouble();
    return new Tensor(shape.clone(), d);
  }

  /** One-hot rows: {@code labels} (integers 0..k−1) of shape (n,) → (n, k). */
  public static Tensor oneHot(Tensor labels, int k) {
    double[] l = labels.toDoubleArray();
    double[] d = new double[l.length * k];
    for (int i = 0; i < l.length; i++) {
      int c = (int) l[i];
      if (c != l[i] || c < 0 || c >= k)
        throw new IllegalArgumentException("oneHot: label " + l[i] + " at position " + i + " is not an integer in [0, " + k + ")");
      d[i * k + c] = 1;
    }
    int[] s = Arrays.copyOf(labels.shape, labels.shape.length + 1);
    s[s.length - 1] = k;
    return new Tensor(s, d);
  }

  // ---------------------------------------------------------------- reading

  /** The shape (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** Length of dimension {@code axis} (negative counts from the end). */
  public int dim(int axis) {
    return shape[Shapes.axis("dim", axis, shape.length)];
  }

  /** Number of dimensions (0 for a scalar). */
  public int ndim() {
    return shape.length;
  }

  /** Number of elements, the product of the dimensions. */
  public int size() {
    return Shapes.size(shape);
  }

  /** The shape as NumPy prints it, e.g. {@code (3, 4)} or {@code (3,)}. */
  public String shapeString() {
    return Shapes.str(shape);
  }

  /** True when this tensor is being differentiated by some trace. */
  public boolean isTraced() {
    return data == null;
  }

  /** The concrete value underneath any tracers (no derivative flows through it). */
  public Tensor concrete() {
    Tensor t = this;
    while (t instanceof Tracer tr) t = tr.primal();
    return t;
  }

  /** Row-major values (a copy). */
  public double[] toDoubleArray() {
    return concrete().data.clone();
  }

  /** The values of a matrix as rows. */
  public double[][] toArray2d() {
    Shapes.requireRank("toArray2d", this, 2);
    double[] d = concrete().data;
    double[][] r = new double[shape[0]][];
    for (int i = 0; i < shape[0]; i++) r[i] = Arrays.copyOfRange(d, i * shape[1], (i + 1) * shape[1]);
    return r;
  }

  /** The single value of a tensor with one element. */
  public double item() {
    if (size() != 1) throw new ShapeException("item: tensor of shape " + shapeString() + " has " + size() + " elements, not 1");
    return concrete().data[0];
  }

  /** The value at a multi-index. */
  public double get(int... index) {
    if (index.length != shape.length)
      throw new ShapeException("get: index of length " + index.length + " for shape " + shapeString());
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i])
        throw new IndexOutOfBoundsException("get: index " + Arrays.toString(index) + " out of bounds for shape " + shapeString());
      flat = flat * shape[i] + index[i];
    }
    return concrete().data[flat];
  }

  /** Throws {@link NonFiniteException} naming {@code what} if any value is NaN or infinite. */
  public Tensor requireFinite(String what) {
    double[] d = concrete().data;
    for (int i = 0; i < d.length; i++)
      if (!Double.isFinite(d[i]))
        throw new NonFiniteException(what + ": value " + d[i] + " at flat index " + i + " of a tensor of shape " + shapeString());
    return this;
  }

  /** True when every value is finite. */
  public boolean allFinite() {
    for (double v : concrete().data) if (!Double.isFinite(v)) return false;
    return true;
  }

  // ---------------------------------------------------------------- dispatch

  /**
   * Applies a primitive: to the innermost trace among the arguments, or, when none is traced, straight
   * to its kernel.
   */
  public static Tensor apply(Primitive p, Tensor... args) {
    Tracer top = null;
    for (Tensor a : args) {
      if (a instanceof Tracer t) {
        if (top == null || t.trace().level() > top.trace().level()) top = t;
        else if (t.trace().level() == top.trace().level() && t.trace() != top.trace())
          throw new IllegalStateException(p.name() + ": arguments come from two different differentiations at the"
              + " same level; a traced tensor escaped the function that was being differentiated");
      }
    }
    if (top == null) return p.eval(args);
    return top.trace().process(p, args);
  }

  // ---------------------------------------------------------------- elementwise arithmetic

  /**
   * x + y elementwise, with NumPy broadcasting.
   *
   * <pre>{@code
   * Tensor.of(new double[][] {{1}, {2}}).add(Tensor.of(10, 20));   // [[11, 21], [12, 22]]
   * }</pre>
   *
   * @throws ShapeException if the shapes cannot be broadcast together (the message names both)
   */
  public Tensor add(Tensor y) { return apply(Arithmetic.ADD, this, y); }
  /** x + y for a constant y. */
  public Tensor add(double y) { return add(scalar(y)); }
  /** x − y elementwise, with broadcasting. */
  public Tensor sub(Tensor y) { return apply(Arithmetic.SUB, this, y); }
  /** x − y for a constant y. */
  public Tensor sub(double y) { return sub(scalar(y)); }
  /** x ⊙ y (elementwise product), with broadcasting. */
  public Tensor mul(Tensor y) { return apply(Arithmetic.MUL, this, y); }
  /** x · y for a constant y. */
  public Tensor mul(double y) { return mul(scalar(y)); }
  /** x / y elementwise, with broadcasting. */
  public Tensor div(Tensor y) { return apply(Arithmetic.DIV, this, y); }
  /** x / y for a constant y. */
  public Tensor div(double y) { return div(scalar(y)); }
  /** Elementwise power x^y (x > 0 where y is traced). */
  public Tensor pow(Tensor y) { return apply(Arithmetic.POW, this, y); }
  /** x^y for a constant exponent (any x when y is an integer). */
  public Tensor pow(double y) { return pow(scalar(y)); }
  /** −x. */
  public Tensor neg() { return apply(Arithmetic.NEG, this); }
  /** y − x. */
  public Tensor rsub(double y) { return scalar(y).sub(this); }
  /** y / x. */
  public Tensor rdiv(double y) { return scalar(y).div(this); }
  /** x² elementwise. */
  public Tensor square() { return mul(this); }
  /** 1 / x elementwise. */
  public Tensor reciprocal() { return rdiv(1.0); }

  // ---------------------------------------------------------------- elementwise functions

  /** e^x elementwise. */
  public Tensor exp() { return apply(Elementwise.EXP, this); }
  /** Natural logarithm elementwise (x > 0). */
  public Tensor log() { return apply(Elementwise.LOG, this); }
  /** log(1 + x), accurate for small x (x > −1). */
  public Tensor log1p() { return apply(Elementwise.LOG1P, this); }
  /** e^x − 1, accurate for small x. */
  public Tensor expm1() { return apply(Elementwise.EXPM1, this); }
  /** √x elementwise (x ≥ 0; the derivative is infinite at 0). */
  public Tensor sqrt() { return apply(Elementwise.SQRT, this); }
  /** sin x elementwise. */
  public Tensor sin() { return apply(Elementwise.SIN, this); }
  /** cos x elementwise. */
  public Tensor cos() { return apply(Elementwise.COS, this); }
  /** tanh x elementwise. */
  public Tensor tanh() { return apply(Elementwise.TANH, this); }
  /** Logistic function 1 / (1 + e^−x). */
  public Tensor sigmoid() { return apply(Elementwise.SIGMOID, this); }
  /** |x| elementwise; derivative sign(x) (0 at 0). */
  public Tensor abs() { return apply(Piecewise.ABS, this); }
  /** Sign (−1, 0, 1); its derivative is zero. */
  public Tensor sign() { return apply(Piecewise.SIGN, this); }
  /**
   * ⌊x⌋ elementwise; its derivative is zero (the jumps at the integers are ignored), so x − L·⌊x/L⌋, the
   * periodic wrap into [0, L), has derivative 1 in x.
   */
  public Tensor floor() { return apply(Piecewise.FLOOR, this); }
  /**
   * The nearest integer elementwise, halves to even (as NumPy's round and {@link Math#rint}); its derivative
   * is zero, so the minimum-image displacement Δ − L·round(Δ/L) has derivative 1 in Δ.
   */
  public Tensor round() { return apply(Piecewise.ROUND, this); }
  /** log(1 + e^x), computed stably as max(x, 0) + log1p(e^−|x|); its derivative is sigmoid(x). */
  public Tensor softplus() { return apply(Elementwise.SOFTPLUS, this); }
  /** max(x, 0); derivative [x > 0] (0 at x = 0). */
  public Tensor relu() { return apply(Piecewise.RELU, this); }
  /** max(x, y) elementwise, with broadcasting; a tie splits the derivative evenly. */
  public Tensor maximum(Tensor y) { return apply(Piecewise.MAXIMUM, this, y); }
  /** max(x, y) for a constant y. */
  public Tensor maximum(double y) { return maximum(scalar(y)); }
  /** min(x, y) elementwise, with broadcasting; a tie splits the derivative evenly. */
  public Tensor minimum(Tensor y) { return apply(Piecewise.MINIMUM, this, y); }
  /** min(x, y) for a constant y. */
  public Tensor minimum(double y) { return minimum(scalar(y)); }
  /** Values clipped to [lo, hi]. */
  public Tensor clip(double lo, double hi) {
    if (!(lo <= hi)) throw new IllegalArgumentException("clip: needs lo ≤ hi, got lo " + lo + " and hi " + hi);
    return maximum(lo).minimum(hi);
  }
  /** min(max(x, lo), hi) with broadcasting; differentiable in x, lo and hi. */
  public Tensor clip(Tensor lo, Tensor hi) { return maximum(lo).minimum(hi); }

  /** Elementwise choice: a where the mask is non-zero, b elsewhere (mask is not differentiated). */
  public static Tensor where(Tensor mask, Tensor a, Tensor b) {
    return apply(Piecewise.WHERE, mask.concrete(), a, b);
  }

  /** The value with its derivative removed: d/dx stopGradient(x) = 0. */
  public Tensor stopGradient() { return apply(StopGradient.INSTANCE, this); }

  // ---------------------------------------------------------------- comparisons (not differentiable)

  /** Mask [x > y] (1 or 0), with broadcasting; carries no derivative. */
  public Tensor gt(Tensor y) { return Kernels.compare(Kernels.Cmp.GT, concrete(), y.concrete()); }
  /** Mask [x > y] for a constant y. */
  public Tensor gt(double y) { return gt(scalar(y)); }
  /** Mask [x ≥ y], with broadcasting; carries no derivative. */
  public Tensor ge(Tensor y) { return Kernels.compare(Kernels.Cmp.GE, concrete(), y.concrete()); }
  /** Mask [x ≥ y] for a constant y. */
  public Tensor ge(double y) { return ge(scalar(y)); }
  /** Mask [x &lt; y], with broadcasting; carries no derivative. */
  public Tensor lt(Tensor y) { return Kernels.compare(Kernels.Cmp.LT, concrete(), y.concrete()); }
  /** Mask [x &lt; y] for a constant y. */
  public Tensor lt(double y) { return lt(scalar(y)); }
  /** Mask [x ≤ y], with broadcasting; carries no derivative. */
  public Tensor le(Tensor y) { return Kernels.compare(Kernels.Cmp.LE, concrete(), y.concrete()); }
  /** Mask [x ≤ y] for a constant y. */
  public Tensor le(double y) { return le(scalar(y)); }
  /** Mask [x = y], with broadcasting; carries no derivative. */
  public Tensor eq(Tensor y) { return Kernels.compare(Kernels.Cmp.EQ, concrete(), y.concrete()); }
  /** Mask [x = y] for a constant y. */
  public Tensor eq(double y) { return eq(scalar(y)); }

  // ---------------------------------------------------------------- shape

  /** Same values in a new shape; one dimension may be −1. */
  public Tensor reshape(int... newShape) {
    int[] s = newShape.clone();
    int infer = -1, known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) throw new ShapeException("reshape: more than one −1 in " + Arrays.toString(newShape));
        infer = i;
      } else known *= s[i];
    }
    if (infer >= 0) {
      if (known == 0 || size() % known != 0)
        throw new ShapeException("reshape: cannot reshape " + shapeString() + " into " + Arrays.toString(newShape));
      s[infer] = size() / known;
    }
    if (Shapes.size(s) != size())
      throw new ShapeException("reshape: cannot reshape " + shapeString() + " (" + size() + " elements) into " + Shapes.str(s));
    if (Arrays.equals(s, shape)) return this;
    return apply(new Structural.Reshape(s), this);
  }

  /** The values as a vector of length size(). */
  public Tensor flatten() { return reshape(-1); }

  /** Reverses the dimensions (the matrix transpose for 2-d tensors). */
  public Tensor T() {
    if (data != null && shape.length == 2) {
      // Concrete matrices are immutable, so their transpose is computed once and shared: code such as
      // X.T().matmul(r) inside a solver loop copies X once, not at every iteration.
      Tensor t = transposed;
      if (t == null) {
        t = transpose(1, 0);
        if (t != this) t.transposed = this;
        transposed = t;
      }
      return t;
    }
    int[] p = new int[shape.length];
    for (int i = 0; i < p.length; i++) p[i] = p.length - 1 - i;
    return transpose(p);
  }

  /** Permutes dimensions: output dimension i is input dimension perm[i]. */
  public Tensor transpose(int... perm) {
    if (perm.length != shape.length)
      throw new ShapeException("transpose: permutation " + Arrays.toString(perm) + " for shape " + shapeString());
    boolean[] seen = new boolean[perm.length];
    boolean identity = true;
    for (int i = 0; i < perm.length; i++) {
      int a = Shapes.axis("transpose", perm[i], shape.length);
      if (seen[a]) throw new ShapeException("transpose: " + Arrays.toString(perm) + " is not a permutation");
      seen[a] = true;
      identity &= a == i;
    }
    if (identity) return this;
    int[] p = new int[perm.length];
    for (int i = 0; i < p.length; i++) p[i] = Shapes.axis("transpose", perm[i], shape.length);
    return apply(new Structural.Transpose(p), this);
  }

  /** Swaps the last two dimensions (batched matrix transpose). */
  public Tensor mT() {
    if (shape.length < 2) throw new ShapeException("mT: needs at least 2 dimensions, got " + shapeString());
    int[] p = new int[shape.length];
    for (int i = 0; i < p.length; i++) p[i] = i;
    p[p.length - 1] = p.length - 2;
    p[p.length - 2] = p.length - 1;
    return transpose(p);
  }

  /** Inserts a dimension of length 1 at {@code axis}. */
  public Tensor expandDims(int axis) {
    int a = axis < 0 ? axis + shape.length + 1 : axis;
    if (a < 0 || a > shape.length) throw new ShapeException("expandDims: axis " + axis + " for shape " + shapeString());
    int[] s = new int[shape.length + 1];
    for (int i = 0, j = 0; i < s.length; i++) s[i] = i == a ? 1 : shape[j++];
    return reshape(s);
  }

  /** Removes every dimension of length 1. */
  public Tensor squeeze() {
    return reshape(Arrays.stream(shape).filter(d -> d != 1).toArray());
  }

  /** Broadcasts to {@code target} (NumPy rules). */
  public Tensor broadcastTo(int... target) {
    if (Arrays.equals(target, shape)) return this;
    if (!Shapes.broadcastsTo(shape, target))
      throw new ShapeException("broadcastTo: shape " + shapeString() + " cannot be broadcast to " + Shapes.str(target));
    return apply(new Structural.BroadcastTo(target.clone()), this);
  }

  /** Sums over broadcast dimensions so that the result has {@code target}'s shape (undoes broadcasting). */
  public Tensor sumTo(int... target) {
    if (Arrays.equals(target, shape)) return this;
    if (!Shapes.broadcastsTo(target, shape))
      throw new ShapeException("sumTo: shape " + shapeString() + " cannot be summed to " + Shapes.str(target));
    int lead = shape.length - target.length, count = 0;
    int[] axes = new int[shape.length]; // a plain loop: this runs in every broadcasting VJP
    for (int i = 0; i < shape.length; i++) if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) axes[count++] = i;
    Tensor s = count == 0 ? this : sum(Arrays.copyOf(axes, count), true);
    return s.reshape(target);
  }

  /** Elements start..stop−1 along {@code axis}. */
  public Tensor slice(int axis, int start, int stop) {
    return slice(axis, start, stop, 1);
  }

  /** Elements start, start+step, … below stop along {@code axis} (step > 0). */
  public Tensor slice(int axis, int start, int stop, int step) {
    int a = Shapes.axis("slice", axis, shape.length);
    if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
    if (start < 0 || stop > shape[a] || start > stop)
      throw new IndexOutOfBoundsException("slice: [" + start + ", " + stop + ") out of range for axis " + a
          + " of length " + shape[a] + " (shape " + shapeString() + ")");
    if (start == 0 && stop == shape[a] && step == 1) return this;
    return apply(new Structural.Slice(a, start, stop, step, shape.clone()), this);
  }

  /** Element {@code index} along {@code axis}, with that axis removed. */
  public Tensor index(int axis, int index) {
    int a = Shapes.axis("index", axis, shape.length);
    if (index < -shape[a] || index >= shape[a])
      throw new IndexOutOfBoundsException("index: " + index + " is out of range for axis " + a + " of length " + shape[a]
          + " (shape " + shapeString() + ")");
    if (index < 0) index += shape[a];
    Tensor s = slice(a, index, index + 1);
    int[] ns = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) if (i != a) ns[j++] = shape[i];
    return s.reshape(ns);
  }

  /** Row i of a matrix (first-axis index). */
  public Tensor row(int i) { return index(0, i); }

  /** Gathers whole slices along {@code axis} at {@code indices} (may repeat): NumPy {@code take}. */
  public Tensor take(int[] indices, int axis) {
    int a = Shapes.axis("take", axis, shape.length);
    for (int idx : indices)
      if (idx < 0 || idx >= shape[a])
        throw new IndexOutOfBoundsException("take: index " + idx + " out of range for axis " + a + " of length " + shape[a]);
    return apply(new Structural.Take(a, indices.clone(), shape.clone()), this);
  }

  /** NumPy {@code take_along_axis}: indices has this tensor's shape except along {@code axis}. */
  public Tensor takeAlongAxis(int[] indices, int[] indicesShape, int axis) {
    int a = Shapes.axis("takeAlongAxis", axis, shape.length);
    boolean compatible = indicesShape.length == shape.length;
    for (int i = 0; compatible && i < shape.length; i++) compatible = i == a || indicesShape[i] == shape[i];
    if (!compatible)
      throw new ShapeException("takeAlongAxis: index shape " + Shapes.str(indicesShape) + " must equal the shape "
          + shapeString() + " except along axis " + a);
    if (indices.length != Shapes.size(indicesShape))
      throw new ShapeException("takeAlongAxis: " + indices.length + " indices do not fill the index shape " + Shapes.str(indicesShape));
    for (int k = 0; k < indices.length; k++)
      if (indices[k] < 0 || indices[k] >= shape[a])
        throw new IndexOutOfBoundsException("takeAlongAxis: index " + indices[k] + " at flat position " + k
            + " is out of range for axis " + a + " of length " + shape[a]);
    return apply(new Structural.TakeAlong(a, indices.clone(), indicesShape.clone(), shape.clone()), this);
  }

  /** Joins tensors along an existing axis. */
  public static Tensor concat(int axis, Tensor... xs) {
    if (xs.length == 0) throw new IllegalArgumentException("concat: no tensors");
    if (xs.length == 1) return xs[0];
    int a = Shapes.axis("concat", axis, xs[0].ndim());
    for (Tensor x : xs) {
      if (x.ndim() != xs[0].ndim()) throw new ShapeException("concat: shapes " + xs[0].shapeString() + " and " + x.shapeString() + " differ in rank");
      for (int i = 0; i < x.ndim(); i++)
        if (i != a && x.shape[i] != xs[0].shape[i])
          throw new ShapeException("concat: shapes " + xs[0].shapeString() + " and " + x.shapeString()
              + " differ outside axis " + a);
    }
    return apply(new Structural.Concat(a), xs);
  }

  /** Stacks equally-shaped tensors along a new axis. */
  public static Tensor stack(int axis, Tensor... xs) {
    if (xs.length == 0) throw new IllegalArgumentException("stack: no tensors");
    Tensor[] e = new Tensor[xs.length];
    for (int i = 0; i < xs.length; i++) {
      Shapes.requireSame("stack", xs[0], xs[i]);
      e[i] = xs[i].expandDims(axis);
    }
    return concat(axis < 0 ? axis : axis, e);
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements (a scalar). */
  public Tensor sum() { return sum(new int[0], false); }
  /** Sum along one axis. */
  public Tensor sum(int axis) { return sum(new int[] {axis}, false); }
  /** Sum along axes (empty: all). */
  public Tensor sum(int[] axes, boolean keepDims) {
    int[] ax = Shapes.axes("sum", axes, shape.length);
    if (ax.length == 0) return this;
    return apply(new Reductions.Sum(ax, keepDims, shape.clone()), this);
  }

  /** Mean of all elements (a scalar). */
  public Tensor mean() { return sum().div(Math.max(1, size())); }
  /** Mean along one axis (removed). */
  public Tensor mean(int axis) { return sum(axis).div(shape[Shapes.axis("mean", axis, shape.length)]); }
  /** Mean along axes (empty: all), keeping them as length-1 dimensions if {@code keepDims}. */
  public Tensor mean(int[] axes, boolean keepDims) {
    int[] ax = Shapes.axes("mean", axes, shape.length);
    int n = 1;
    for (int a : ax) n *= shape[a];
    return sum(ax, keepDims).div(n);
  }

  /** Largest element (a scalar); a tie splits the derivative evenly. */
  public Tensor max() { return max(new int[0], false); }
  /** Maximum along one axis (removed). */
  public Tensor max(int axis) { return max(new int[] {axis}, false); }
  /** Maximum along axes; the derivative is split evenly among tied maxima. */
  public Tensor max(int[] axes, boolean keepDims) {
    int[] ax = Shapes.axes("max", axes, shape.length);
    if (size() == 0) throw new ShapeException("max: empty tensor of shape " + shapeString());
    return apply(new Reductions.Extremum(true, ax, keepDims, shape.clone()), this);
  }

  /** Smallest element (a scalar); a tie splits the derivative evenly. */
  public Tensor min() { return min(new int[0], false); }
  /** Minimum along one axis (removed). */
  public Tensor min(int axis) { return min(new int[] {axis}, false); }
  /** Minimum along axes (empty: all); the derivative is split evenly among tied minima. */
  public Tensor min(int[] axes, boolean keepDims) {
    int[] ax = Shapes.axes("min", axes, shape.length);
    if (size() == 0) throw new ShapeException("min: empty tensor of shape " + shapeString());
    return apply(new Reductions.Extremum(false, ax, keepDims, shape.clone()), this);
  }

  /** log Σ exp over all elements, computed stably. */
  public Tensor logsumexp() {
    Tensor m = max().stopGradient();
    return sub(m).exp().sum().log().add(m);
  }

  /** log Σ exp along an axis, computed stably. */
  public Tensor logsumexp(int axis) {
    Tensor m = max(new int[] {axis}, true).stopGradient();
    return sub(m).exp().sum(new int[] {axis}, true).log().add(m).squeezeAxis(axis);
  }

  private Tensor squeezeAxis(int axis) {
    int a = Shapes.axis("squeeze", axis, shape.length);
    int[] s = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) if (i != a) s[j++] = shape[i];
    return reshape(s);
  }

  /** Softmax along an axis: exp(x − logsumexp(x)). */
  public Tensor softmax(int axis) {
    Tensor m = max(new int[] {axis}, true).stopGradient();
    Tensor e = sub(m).exp();
    return e.div(e.sum(new int[] {axis}, true));
  }

  /** Log-softmax along an axis. */
  public Tensor logSoftmax(int axis) {
    return sub(logsumexp(axis).expandDims(axis));
  }

  /** Index of the maximum along an axis (not differentiable). */
  public int[] argmax(int axis) {
    return Kernels.argExtremum(concrete(), Shapes.axis("argmax", axis, shape.length), true);
  }

  /** Cumulative sum along an axis. */
  public Tensor cumsum(int axis) {
    return apply(new Reductions.Cumsum(Shapes.axis("cumsum", axis, shape.length), false), this);
  }

  /** Sorted along an axis, ascending; differentiable (the derivative follows the sorting permutation). */
  public Tensor sort(int axis) {
    int a = Shapes.axis("sort", axis, shape.length);
    return takeAlongAxis(argsort(a), shape, a);
  }

  /** Indices that sort along an axis, ascending (flattened with this tensor's shape; stable). */
  public int[] argsort(int axis) {
    return Kernels.argsort(concrete(), Shapes.axis("argsort", axis, shape.length));
  }

  // ---------------------------------------------------------------- linear algebra

  /**
   * Matrix product with NumPy {@code matmul} semantics: vectors are promoted, leading dimensions are
   * batch dimensions (broadcast).
   */
  public Tensor matmul(Tensor y) {
    return MatMul.matmul(this, y);
  }

  /** Inner product of two vectors of equal length (differentiable scalar). */
  public Tensor dot(Tensor y) {
    if (ndim() != 1 || y.ndim() != 1 || shape[0] != y.shape[0])
      throw new ShapeException("dot: needs two vectors of equal length, got " + shapeString() + " and " + y.shapeString());
    return matmul(y);
  }

  /** Σ x_i y_i over all elements of equally shaped tensors, as a Java double (not differentiated). */
  public double vdot(Tensor y) {
    Shapes.requireSame("vdot", this, y);
    double[] a = concrete().data, b = y.concrete().data;
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  /** Outer product of two vectors. */
  public Tensor outer(Tensor y) {
    Shapes.requireRank("outer", this, 1);
    Shapes.requireRank("outer", y, 1);
    return reshape(-1, 1).mul(y.reshape(1, -1));
  }

  /** Euclidean norm of all elements (differentiable away from 0). */
  public Tensor norm() { return square().sum().sqrt(); }

  /** Squared Euclidean norm. */
  public Tensor normSquared() { return square().sum(); }

  /** ℓ1 norm. */
  public Tensor norm1() { return abs().sum(); }

  /** ℓ∞ norm. */
  public Tensor normInf() { return abs().max(); }

  /** Euclidean norm as a Java double (not differentiated). */
  public double norm2() {
    double s = 0;
    for (double v : concrete().data) s += v * v;
    return Math.sqrt(s);
  }

  /** Largest absolute value as a Java double (not differentiated). */
  public double maxAbs() {
    double m = 0;
    for (double v : concrete().data) m = Math.max(m, Math.abs(v));
    return m;
  }

  // ---------------------------------------------------------------- object

  @Override
  public String toString() {
    if (data == null) return getClass().getSimpleName() + shapeString() + " wrapping " + concrete();
    StringBuilder b = new StringBuilder("Tensor").append(shapeString()).append(' ');
    int n = Math.min(data.length, 20);
    b.append('[');
    for (int i = 0; i < n; i++) {
      if (i > 0) b.append(", ");
      b.append(data[i]);
    }
    if (n < data.length) b.append(", …");
    return b.append(']').toString();
  }

  /** True when shapes match and every value differs by at most {@code tol}. */
  public boolean allClose(Tensor other, double tol) {
    if (!Arrays.equals(shape, other.shape)) return false;
    double[] a = concrete().data, b = other.concrete().data;
    for (int i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tol)) return false;
    return true;
  }

  /** Raw values of a concrete tensor (no copy); package use only. */
  double[] values() {
    return concrete().data;
  }

  int[] shapeRef() {
    return shape;
  }
}
