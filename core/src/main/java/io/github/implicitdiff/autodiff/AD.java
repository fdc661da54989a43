package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Automatic differentiation of functions written in tensor operations: forward mode ({@link #jvp}),
 * reverse mode ({@link #vjp}, {@link #grad}), and their compositions ({@link #jacobian},
 * {@link #hessian}, {@link #hvp}). Calls nest to any order, each opening its own level, so a derivative
 * taken inside another never mixes their perturbations. State is per thread.
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

  /** Outputs of f and their tangents in direction v (one tangent per input, shapes equal). */
  public static JvpResult jvp(MultiFunction f, Tensor[] x, Tensor[] v) {
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
        if (out[k] instanceof JvpTrace.JvpTracer t && t.trace == trace) {
          value[k] = t.primal;
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

  /** f(x) and its directional derivative ∂f(x)·v. */
  public static JvpResult jvp(TensorFunction f, Tensor x, Tensor v) {
    return jvp(in -> new Tensor[] {f.apply(in[0])}, new Tensor[] {x}, new Tensor[] {v});
  }

  // ---------------------------------------------------------------- reverse mode

  /** Evaluates f recording its operations, returning the outputs and the pullback. */
  public static VjpResult vjp(MultiFunction f, Tensor... x) {
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
    for (int k = 0; k < out.length; k++) value[k] = trace.idOf(out[k]) >= 0 ? ((ReverseTrace.ReverseTracer) out[k]).primal : out[k];
    Pullback pb = g -> {
      if (g.length != out.length)
        throw new IllegalArgumentException("pullback: " + out.length + " outputs but " + g.length + " cotangents");
      for (int k = 0; k < g.length; k++)
        if (!Arrays.equals(g[k].shape(), value[k].shape()))
          throw new ShapeException("pullback: output " + k + " has shape " + value[k].shapeString()
              + " but its cotangent has shape " + g[k].shapeString());
      return trace.backward(out, g, in);
    };
    return new VjpResult(value, pb);
  }

  /** uᵀ ∂f(x): the vector-Jacobian product of a one-input, one-output function. */
  public static Tensor vjp(TensorFunction f, Tensor x, Tensor u) {
    VjpResult r = vjp(in -> new Tensor[] {f.apply(in[0])}, x);
    return r.pullback().apply(u)[0];
  }

  /** Value and gradients of a scalar function of several tensors. */
  public static ValueAndGrad valueAndGradAll(MultiInputFunction f, Tensor... x) {
    VjpResult r = vjp(in -> new Tensor[] {f.apply(in)}, x);
    Tensor y = r.value()[0];
    if (y.size() != 1)
      throw new ShapeException("grad: the function must return a scalar, but it returned shape " + y.shapeString()
          + "; reduce it (sum, mean) or use vjp/jacobian");
    return new ValueAndGrad(y, r.pullback().apply(Tensor.onesLike(y)));
  }

  /** Value and gradient of a scalar function of one tensor. */
  public static ValueAndGrad valueAndGrad(TensorFunction f, Tensor x) {
    return valueAndGradAll(in -> f.apply(in[0]), x);
  }

  /** ∇f(x) for a scalar-valued f. */
  public static Tensor grad(TensorFunction f, Tensor x) {
    return valueAndGrad(f, x).grad();
  }

  /** The gradient with respect to each input of a scalar-valued f. */
  public static Tensor[] gradAll(MultiInputFunction f, Tensor... x) {
    return valueAndGradAll(f, x).grads();
  }

  // ---------------------------------------------------------------- Jacobians and Hessians

  /** Which mode {@link #jacobian} uses. */
  public enum Mode {
    /** One JVP per input element. */
    FORWARD,
    /** One VJP per output element. */
    REVERSE,
    /** Forward when the input has at most as many elements as the output, else reverse. */
    AUTO
  }

  /** The Jacobian of f at x, shape out.shape ++ x.shape, by the cheaper mode. */
  public static Tensor jacobian(TensorFunction f, Tensor x) {
    return jacobian(f, x, Mode.AUTO);
  }

  /** The Jacobian of f at x, shape out.shape ++ x.shape. */
  public static Tensor jacobian(TensorFunction f, Tensor x, Mode mode) {
    int n = x.size();
    int[] xs = x.shape();
    if (mode == Mode.AUTO) {
      Tensor probe = f.apply(x.stopGradient());
      mode = n <= probe.size() ? Mode.FORWARD : Mode.REVERSE;
    }
    if (mode == Mode.FORWARD) {
      Tensor[] cols = new Tensor[n];
      int[] os = null;
      for (int j = 0; j < n; j++) {
        JvpResult r = jvp(f, x, basis(xs, j));
        os = r.out().shape();
        cols[j] = r.outTangent().reshape(-1, 1);
      }
      if (n == 0) return Tensor.zeros(concat(f.apply(x).shape(), xs));
      return Tensor.concat(1, cols).reshape(concat(os, xs));
    }
    VjpResult r = vjp(in -> new Tensor[] {f.apply(in[0])}, x);
    Tensor out = r.out();
    int m = out.size();
    Tensor[] rows = new Tensor[m];
    for (int i = 0; i < m; i++) rows[i] = r.pullback().apply(basis(out.shape(), i))[0].reshape(1, -1);
    if (m == 0) return Tensor.zeros(concat(out.shape(), xs));
    return Tensor.concat(0, rows).reshape(concat(out.shape(), xs));
  }

  /** Hessian-vector product ∇²f(x)·v, forward over reverse. */
  public static Tensor hvp(TensorFunction f, Tensor x, Tensor v) {
    return jvp(y -> grad(f, y), x, v).outTangent();
  }

  /** The Hessian of a scalar f, shape x.shape ++ x.shape (forward over reverse). */
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
   * f with its reverse-mode derivative given by {@code rule}. Forward mode uses the transpose of the
   * (linear in g) rule, so the rule must be written in tensor operations.
   */
  public static MultiInputFunction customVjp(MultiInputFunction f, CustomVjpRule rule) {
    CustomFunction p = new CustomFunction("customVjp", f, null, rule);
    return x -> Tensor.apply(p, x);
  }

  /** f with both rules given. */
  public static MultiInputFunction custom(MultiInputFunction f, CustomJvpRule jvpRule, CustomVjpRule vjpRule) {
    CustomFunction p = new CustomFunction("custom", f, jvpRule, vjpRule);
    return x -> Tensor.apply(p, x);
  }

  /** x with its derivative removed at every level. */
  public static Tensor stopGradient(Tensor x) {
    return x.stopGradient();
  }

  // ---------------------------------------------------------------- helpers

  /** The j-th standard basis tensor of the given shape. */
  static Tensor basis(int[] shape, int j) {
    double[] d = new double[Tensor.zeros(shape).size()];
    d[j] = 1;
    return Tensor.fromArray(d, shape);
  }

  static int[] concat(int[] a, int[] b) {
    int[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
