package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Shapes;
import io.github.implicitdiff.tensor.Tensor;
import io.github.implicitdiff.tensor.Tracer;
import java.util.Arrays;

/**
 * Automatic differentiation of functions written in tensor operations: forward mode ({@link #jvp}),
 * reverse mode ({@link #vjp}, {@link #grad}), and their compositions ({@link #jacobian},
 * {@link #hessian}, {@link #hvp}). Calls nest to any order, each opening its own level, so a derivative
 * taken inside another never mixes their perturbations. State is per thread.
 *
 * <p>Derivatives are taken at finite points in finite directions: every entry point checks that its
 * inputs, tangents and cotangents are finite and throws {@link NonFiniteException} naming the argument
 * and the flat index otherwise (one O(size) scan, negligible next to the differentiation). Values the
 * function closes over (masks with −∞, say) are not checked.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(1, 2, 3);
 * Tensor g = AD.grad(v -> v.square().sum(), x);              // [2, 4, 6]
 * Tensor h = AD.hessian(v -> v.pow(3).sum(), x);             // diag(6x)
 * Tensor jv = AD.jvp(v -> v.exp(), x, Tensor.ones(3)).outTangent();
 * }</pre>
 */
public final class AD {
  private AD() {}

  // ---------------------------------------------------------------- forward mode

  /**
   * Forward mode: the outputs f(x) and their tangents ∂f(x)·v (one tangent per input, shapes equal).
   *
   * <pre>{@code
   * JvpResult r = AD.jvp(in -> new Tensor[] {in[0].mul(in[1]), in[0].sin()},
   *     new Tensor[] {Tensor.of(1, 2), Tensor.of(3, 4)}, new Tensor[] {Tensor.ones(2), Tensor.zeros(2)});
   * r.tangent()[0];   // [3, 4] = v₀ ⊙ x₁
   * }</pre>
   *
   * @throws ShapeException if a tangent's shape differs from its input's
   * @throws NonFiniteException if an input or a tangent holds NaN or ±∞
   */
  public static JvpResult jvp(MultiFunction f, Tensor[] x, Tensor[] v) {
    requireFinite("jvp", "input", x);
    requireFinite("jvp", "tangent", v);
    return jvpUnchecked(f, x, v);
  }

  private static JvpResult jvpUnchecked(MultiFunction f, Tensor[] x, Tensor[] v) {
    if (x.length != v.length)
      throw new IllegalArgumentException("jvp: " + x.length + " inputs but " + v.length + " tangents");
    for (int i = 0; i < x.length; i++)
      if (!Arrays.equals(x[i].shape(), v[i].shape()))
        throw new ShapeException("jvp: input " + i + " has shape " + x[i].shapeString() + " but its tangent has shape "
            + v[i].shapeString());
    int level = Levels.enter();
    try {
      JvpTrace trace = new JvpTrace(level);
      Tensor[] in = new Tensor[x.length];
      for (int i = 0; i < x.length; i++) in[i] = trace.lift(x[i], v[i]);
      Tensor[] out = f.apply(in);
      Tensor[] value = new Tensor[out.length], tangent = new Tensor[out.length];
      for (int k = 0; k < out.length; k++) {
        if (out[k] instanceof JvpTrace.JvpTracer t && t.trace() == trace) {
          value[k] = t.primal();
          tangent[k] = t.tangent;
        } else {
          value[k] = out[k];
          tangent[k] = Tensor.zerosLike(out[k]);
        }
      }
      return new JvpResult(value, tangent);
    } finally {
      Levels.exit();
    }
  }

  /**
   * f(x) and its directional derivative ∂f(x)·v.
   *
   * <pre>{@code
   * Tensor t = AD.jvp(x -> x.exp(), Tensor.of(0, 1), Tensor.of(1, 1)).outTangent();   // [1, e]
   * }</pre>
   */
  public static JvpResult jvp(TensorFunction f, Tensor x, Tensor v) {
    return jvp(single(f), new Tensor[] {x}, new Tensor[] {v});
  }

  // ---------------------------------------------------------------- reverse mode

  /**
   * Reverse mode: evaluates f recording its operations and returns the outputs with the pullback
   * g ↦ gᵀ ∂f(x) (which may be called many times; it checks each cotangent's shape and finiteness).
   *
   * <pre>{@code
   * VjpResult r = AD.vjp(in -> new Tensor[] {in[0].mul(in[1])}, Tensor.of(1, 2), Tensor.of(3, 4));
   * Tensor[] g = r.pullback().apply(Tensor.ones(2));   // [[3, 4], [1, 2]]
   * }</pre>
   *
   * @throws NonFiniteException if an input holds NaN or ±∞
   */
  public static VjpResult vjp(MultiFunction f, Tensor... x) {
    requireFinite("vjp", "input", x);
    return vjpUnchecked(f, x);
  }

  private static VjpResult vjpUnchecked(MultiFunction f, Tensor... x) {
    Recording r = record(f, x);
    return new VjpResult(r.value, r.pullback());
  }

  /** f evaluated once under a reverse trace: what its pullback and its pushforward both read. */
  private record Recording(ReverseTrace trace, Tensor[] in, Tensor[] out, Tensor[] value) {
    Pullback pullback() {
      return g -> {
        requireMatching("pullback", "outputs", "cotangent", value, g);
        requireFinite("pullback", "cotangent", g);
        return trace.backward(out, g, in);
      };
    }

    Pushforward pushforward() {
      return t -> {
        requireMatching("pushforward", "inputs", "tangent", primals(in), t);
        requireFinite("pushforward", "tangent", t);
        return trace.forward(in, t, out);
      };
    }

    /** The pullback to {@code inputs[k]} for the listed k (see {@link Linearization#pullbackOf}). */
    Pullback pullbackOf(int[] inputs) {
      Tensor[] selected = select(in, inputs);
      boolean[] dependent = trace.dependents(selected);
      return g -> {
        requireMatching("pullback", "outputs", "cotangent", value, g);
        requireFinite("pullback", "cotangent", g);
        return trace.backward(out, g, selected, dependent);
      };
    }

    /** The pushforward from {@code inputs[k]} for the listed k, the others' tangents zero. */
    Pushforward pushforwardOf(int[] inputs) {
      Tensor[] selected = select(in, inputs);
      return t -> {
        requireMatching("pushforward", "inputs", "tangent", primals(selected), t);
        requireFinite("pushforward", "tangent", t);
        return trace.forward(selected, t, out);
      };
    }

    private static Tensor[] primals(Tensor[] tracers) {
      Tensor[] primals = new Tensor[tracers.length];
      for (int i = 0; i < tracers.length; i++) primals[i] = ((ReverseTrace.ReverseTracer) tracers[i]).primal();
      return primals;
    }

    private static Tensor[] select(Tensor[] all, int[] indices) {
      Tensor[] s = new Tensor[indices.length];
      for (int k = 0; k < indices.length; k++) s[k] = all[indices[k]];
      return s;
    }
  }

  private static Recording record(MultiFunction f, Tensor... x) {
    int level = Levels.enter();
    ReverseTrace trace = new ReverseTrace(level);
    Tensor[] in = new Tensor[x.length];
    Tensor[] out;
    try {
      for (int i = 0; i < x.length; i++) in[i] = trace.input(x[i]);
      out = f.apply(in);
    } finally {
      Levels.exit();
    }
    Tensor[] value = new Tensor[out.length];
    for (int k = 0; k < out.length; k++) value[k] = trace.idOf(out[k]) >= 0 ? ((ReverseTrace.ReverseTracer) out[k]).primal() : out[k];
    return new Recording(trace, in, out, value);
  }

  /** Throws unless there is one argument per value, each of the value's shape. */
  private static void requireMatching(String op, String what, String role, Tensor[] values, Tensor[] args) {
    if (args.length != values.length)
      throw new IllegalArgumentException(op + ": " + values.length + " " + what + " but " + args.length + " " + role + "s");
    for (int k = 0; k < args.length; k++) {
      if (args[k] == null) throw new IllegalArgumentException(op + ": " + role + " " + k + " is null");
      if (!Arrays.equals(args[k].shape(), values[k].shape()))
        throw new ShapeException(op + ": " + what.substring(0, what.length() - 1) + " " + k + " has shape "
            + values[k].shapeString() + " but its " + role + " has shape " + args[k].shapeString());
    }
  }

  /**
   * The linearization of f at x: f evaluated once, recorded, with its pushforward t ↦ ∂f(x)·t (a JVP that
   * runs only the JVP rules of the recorded steps, not f again) and its pullback g ↦ gᵀ∂f(x). Use it when
   * many products with the same Jacobian are needed (a Krylov solve, a Jacobian column by column): each
   * product then costs the derivative rules alone. Memory is that of reverse mode (the recorded steps).
   *
   * <pre>{@code
   * Linearization lin = AD.linearize(in -> new Tensor[] {in[0].sin().mul(in[1])}, Tensor.of(0, 1), Tensor.of(2, 3));
   * lin.pushforward().apply(Tensor.ones(2), Tensor.zeros(2))[0];   // cos(x₀) ⊙ x₁ = [2, 3 cos 1]
   * lin.pullback().apply(Tensor.ones(2));                          // [2, 3 cos 1], [0, sin 1]
   * }</pre>
   *
   * @throws NonFiniteException if an input holds NaN or ±∞ (and, when applied, a tangent or cotangent)
   */
  public static Linearization linearize(MultiFunction f, Tensor... x) {
    requireFinite("linearize", "input", x);
    Recording r = record(f, x);
    return new Linearization(r.value, x.length, r.pushforward(), r.pullback(), r::pullbackOf, r::pushforwardOf);
  }

  /**
   * uᵀ ∂f(x): the vector-Jacobian product of a one-input, one-output function (u has f(x)'s shape,
   * the result x's).
   *
   * <pre>{@code
   * Tensor w = AD.vjp(x -> x.sum(0), Tensor.ones(2, 3), Tensor.of(1, 2, 3));   // [[1, 2, 3], [1, 2, 3]]
   * }</pre>
   */
  public static Tensor vjp(TensorFunction f, Tensor x, Tensor u) {
    VjpResult r = vjp(single(f), x);
    return r.pullback().apply(u)[0];
  }

  /**
   * f(x₁, …, x_k) and ∇_{x_i} f for every input, for a scalar-valued f (one reverse pass).
   *
   * <pre>{@code
   * ValueAndGrad vg = AD.valueAndGradAll(in -> in[0].dot(in[1]), Tensor.of(1, 2), Tensor.of(3, 4));
   * vg.value();    // 11
   * vg.grads();    // [3, 4], [1, 2]
   * }</pre>
   *
   * @throws ShapeException if f does not return a single value
   * @throws NonFiniteException if an input holds NaN or ±∞
   */
  public static ValueAndGrad valueAndGradAll(MultiInputFunction f, Tensor... x) {
    requireFinite("grad", "input", x);
    VjpResult r = vjpUnchecked(in -> new Tensor[] {f.apply(in)}, x);
    Tensor y = r.value()[0];
    if (y.size() != 1)
      throw new ShapeException("grad: the function must return a scalar, but it returned shape " + y.shapeString()
          + "; reduce it (sum, mean) or use vjp/jacobian");
    return new ValueAndGrad(y, r.pullback().apply(Tensor.onesLike(y)));
  }

  /**
   * f(x) and ∇f(x) for a scalar-valued f.
   *
   * <pre>{@code
   * ValueAndGrad vg = AD.valueAndGrad(x -> x.square().sum(), Tensor.of(1, 2));   // 5 and [2, 4]
   * }</pre>
   */
  public static ValueAndGrad valueAndGrad(TensorFunction f, Tensor x) {
    return valueAndGradAll(in -> f.apply(in[0]), x);
  }

  /**
   * ∇f(x) for a scalar-valued f (shape of x).
   *
   * <pre>{@code
   * Tensor g = AD.grad(x -> x.square().sum(), Tensor.of(1, 2, 3));   // [2, 4, 6]
   * }</pre>
   *
   * @throws ShapeException if f does not return a single value
   * @throws NonFiniteException if x holds NaN or ±∞
   */
  public static Tensor grad(TensorFunction f, Tensor x) {
    return valueAndGrad(f, x).grad();
  }

  /**
   * ∇_{x_i} f for each input of a scalar-valued f.
   *
   * <pre>{@code
   * Tensor[] g = AD.gradAll(in -> in[0].mul(in[1]).sum(), Tensor.of(1, 2), Tensor.of(3, 4));   // [3, 4], [1, 2]
   * }</pre>
   */
  public static Tensor[] gradAll(MultiInputFunction f, Tensor... x) {
    return valueAndGradAll(f, x).grads();
  }

  // ---------------------------------------------------------------- Jacobians and Hessians

  /** Which mode {@link #jacobian} uses. */
  public enum Mode {
    /**
     * One JVP per input element, from one recorded evaluation of f ({@link #linearize}): f runs once (a
     * solver inside it too), each column costs f's JVP rules alone, and memory is that of reverse mode.
     */
    FORWARD,
    /** One VJP per output element. */
    REVERSE,
    /** Forward when the input has at most as many elements as the output, else reverse. */
    AUTO
  }

  /**
   * The Jacobian ∂f(x), shape out.shape ++ x.shape, by the cheaper mode ({@link Mode#AUTO}).
   *
   * <pre>{@code
   * Tensor j = AD.jacobian(x -> x.mul(x), Tensor.of(1, 2));   // [[2, 0], [0, 4]]
   * }</pre>
   */
  public static Tensor jacobian(TensorFunction f, Tensor x) {
    return jacobian(f, x, Mode.AUTO);
  }

  /**
   * The Jacobian J[i…, j…] = ∂f(x)[i…] / ∂x[j…], shape out.shape ++ x.shape: one JVP per input
   * element ({@link Mode#FORWARD}) or one VJP per output element ({@link Mode#REVERSE}).
   *
   * <pre>{@code
   * Tensor j = AD.jacobian(x -> x.cumsum(0), Tensor.of(1, 2, 3), AD.Mode.REVERSE);   // lower-triangular ones
   * }</pre>
   *
   * @throws NonFiniteException if x holds NaN or ±∞
   */
  public static Tensor jacobian(TensorFunction f, Tensor x, Mode mode) {
    requireFinite("jacobian", "input", new Tensor[] {x});
    int n = x.size();
    int[] xs = x.shape();
    if (mode == Mode.AUTO) {
      Tensor probe = f.apply(x.stopGradient());
      mode = n <= probe.size() ? Mode.FORWARD : Mode.REVERSE;
    }
    if (mode == Mode.FORWARD) {
      // f recorded once; each column is a pushforward of a basis vector (f is not evaluated again)
      Recording rec = record(single(f), x);
      int[] os = rec.value()[0].shape();
      if (n == 0) return Tensor.zeros(concat(os, xs));
      Tensor[] cols = new Tensor[n];
      for (int j = 0; j < n; j++)
        cols[j] = rec.trace().forward(rec.in(), new Tensor[] {basis(xs, j)}, rec.out())[0].reshape(-1, 1);
      return Tensor.concat(1, cols).reshape(concat(os, xs));
    }
    VjpResult r = vjpUnchecked(single(f), x);
    Tensor out = r.out();
    int m = out.size();
    Tensor[] rows = new Tensor[m];
    for (int i = 0; i < m; i++) rows[i] = r.pullback().apply(basis(out.shape(), i))[0].reshape(1, -1);
    if (m == 0) return Tensor.zeros(concat(out.shape(), xs));
    return Tensor.concat(0, rows).reshape(concat(out.shape(), xs));
  }

  /**
   * Hessian-vector product ∇²f(x)·v of a scalar f, forward over reverse (about the cost of two gradients).
   *
   * <pre>{@code
   * Tensor hv = AD.hvp(x -> x.pow(3).sum(), Tensor.of(1, 2), Tensor.of(1, 1));   // 6x ⊙ v = [6, 12]
   * }</pre>
   */
  public static Tensor hvp(TensorFunction f, Tensor x, Tensor v) {
    return jvp(y -> grad(f, y), x, v).outTangent();
  }

  /**
   * The Hessian ∇²f(x) of a scalar f, shape x.shape ++ x.shape (forward over reverse: the computation of
   * ∇f is recorded once and each input element's basis vector is pushed forward through it, so f, and any
   * solver inside it, runs once).
   *
   * <pre>{@code
   * Tensor h = AD.hessian(x -> x.pow(3).sum(), Tensor.of(1, -2));   // [[6, 0], [0, -12]]
   * }</pre>
   */
  public static Tensor hessian(TensorFunction f, Tensor x) {
    return jacobian(y -> grad(f, y), x, Mode.FORWARD);
  }

  // ---------------------------------------------------------------- custom rules and stopGradient

  /**
   * f with its derivative given by {@code rule} instead of by differentiating f's body. Reverse mode
   * uses the transpose of the (linear) rule.
   *
   * <pre>{@code
   * MultiInputFunction safeSqrt = AD.customJvp(x -> x[0].sqrt(),
   *     (x, out, dx) -> dx[0].div(out.mul(2).maximum(1e-12)));
   * }</pre>
   */
  public static MultiInputFunction customJvp(MultiInputFunction f, CustomJvpRule rule) {
    CustomFunction p = new CustomFunction("customJvp", f, rule, null);
    return x -> Tensor.apply(p, x);
  }

  /**
   * f with its reverse-mode derivative given by {@code rule}: gᵀ∂f = rule(x, f(x), g). Forward mode
   * uses the transpose of the (linear in g) rule, so the rule must be written in tensor operations.
   *
   * <pre>{@code
   * MultiInputFunction clippedGrad = AD.customVjp(x -> x[0].sin(),
   *     (x, out, g) -> new Tensor[] {g.mul(x[0].cos()).clip(-1, 1)});
   * }</pre>
   */
  public static MultiInputFunction customVjp(MultiInputFunction f, CustomVjpRule rule) {
    CustomFunction p = new CustomFunction("customVjp", f, null, rule);
    return x -> Tensor.apply(p, x);
  }

  /**
   * f with both rules given: forward mode uses {@code jvpRule}, reverse mode {@code vjpRule} (the caller
   * keeps them each other's transposes).
   *
   * <pre>{@code
   * MultiInputFunction f = AD.custom(x -> x[0].exp(), (x, out, dx) -> dx[0].mul(out),
   *     (x, out, g) -> new Tensor[] {g.mul(out)});
   * }</pre>
   */
  public static MultiInputFunction custom(MultiInputFunction f, CustomJvpRule jvpRule, CustomVjpRule vjpRule) {
    CustomFunction p = new CustomFunction("custom", f, jvpRule, vjpRule);
    return x -> Tensor.apply(p, x);
  }

  /**
   * f, recorded by reverse mode as one step that keeps only its inputs and output: the pullback runs f
   * again under its own trace at the recorded inputs (gradient checkpointing, rematerialization). Memory
   * for the recorded steps falls from f's intermediates to its inputs, at the price of evaluating f once
   * more per pullback. Forward mode gets f's JVP (one extra evaluation of f as well, so checkpoint only what
   * reverse mode records), and derivatives of any order are those of f (the recomputation is itself
   * recorded by outer traces).
   *
   * <p>Use it on the segments of a long recorded loop: K steps in segments of s keep K/s segment inputs
   * plus one segment's intermediates during the pullback, O(K/s + s) states instead of O(K) (√K for s = √K).
   * f must be a pure function of its arguments: a tensor that an outer differentiation traces must be
   * passed as an argument (closing over one throws, since its derivative would be lost).
   *
   * <pre>{@code
   * MultiInputFunction tenSteps = AD.checkpoint(in -> {
   *   Tensor w = in[0];
   *   for (int k = 0; k < 10; k++) w = w.sub(w.mul(in[1]).mul(0.1));   // w ← w − 0.1·λw
   *   return w;
   * });
   * Tensor g = AD.grad(lam -> {
   *   Tensor w = Tensor.ones(3);
   *   for (int s = 0; s < 10; s++) w = tenSteps.apply(w, lam);          // 100 steps, 10 recorded
   *   return w.sum();
   * }, Tensor.scalar(0.5));
   * }</pre>
   */
  public static MultiInputFunction checkpoint(MultiInputFunction f) {
    if (f == null) throw new IllegalArgumentException("checkpoint: the function must not be null");
    MultiFunction asMulti = in -> new Tensor[] {f.apply(in)};
    CustomFunction p = new CustomFunction("checkpoint", f,
        (x, out, t) -> jvpUnchecked(asMulti, x, t).tangent()[0],
        (x, out, g) -> vjpUnchecked(asMulti, x).pullback().apply(g));
    return x -> Tensor.apply(p, x);
  }

  /**
   * Whether reverse mode is recording operations on any of {@code xs}, at any nesting level: what decides whether
   * {@link #checkpoint} saves anything (under forward mode alone it only costs an extra evaluation).
   *
   * <pre>{@code
   * AD.grad(x -> { assert AD.isRecorded(x); return x.sum(); }, Tensor.ones(2));
   * AD.jvp(x -> { assert !AD.isRecorded(x); return x; }, Tensor.ones(2), Tensor.ones(2));
   * }</pre>
   */
  public static boolean isRecorded(Tensor... xs) {
    for (Tensor x : xs)
      for (Tensor t = x; t instanceof Tracer tracer; t = tracer.primal())
        if (tracer instanceof ReverseTrace.ReverseTracer) return true;
    return false;
  }

  /**
   * x with its derivative removed at every level: d/dx stopGradient(x) = 0.
   *
   * <pre>{@code
   * Tensor g = AD.grad(x -> x.mul(AD.stopGradient(x)).sum(), Tensor.of(1, 2));   // [1, 2], not [2, 4]
   * }</pre>
   */
  public static Tensor stopGradient(Tensor x) {
    return x.stopGradient();
  }

  // ---------------------------------------------------------------- helpers

  private static MultiFunction single(TensorFunction f) {
    return in -> new Tensor[] {f.apply(in[0])};
  }

  /** Throws naming the operation, the argument and the first non-finite value (one scan per tensor). */
  static void requireFinite(String op, String role, Tensor[] ts) {
    for (int i = 0; i < ts.length; i++) {
      if (ts[i] == null) throw new IllegalArgumentException(op + ": " + role + " " + i + " is null");
      if (ts[i].allFinite()) continue;
      double[] d = ts[i].toDoubleArray();
      int k = 0;
      while (Double.isFinite(d[k])) k++;
      throw new NonFiniteException(op + ": " + role + " " + i + " has value " + d[k] + " at flat index " + k
          + " (shape " + ts[i].shapeString() + "); derivatives are taken at finite points in finite directions:"
          + " find where the non-finite value came from, or mask it with Tensor.where before differentiating");
    }
  }

  /** The j-th standard basis tensor of the given shape. */
  static Tensor basis(int[] shape, int j) {
    double[] d = new double[Shapes.size(shape)];
    d[j] = 1;
    return Tensor.fromArray(d, shape);
  }

  static int[] concat(int[] a, int[] b) {
    int[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
