package io.github.implicitdiff.tensor;

import java.util.function.DoubleUnaryOperator;

/**
 * Smooth elementwise functions z = f(x). Each states f and f' (in tensor operations, from x and z);
 * the JVP is dx ⊙ f'(x) and, the Jacobian being diagonal, the VJP is g ⊙ f'(x).
 */
final class Elementwise {
  private Elementwise() {}

  interface Derivative {
    Tensor of(Tensor x, Tensor z);
  }

  static final class Unary implements Primitive {
    private final String name;
    private final DoubleUnaryOperator f;
    private final Derivative df;

    Unary(String name, DoubleUnaryOperator f, Derivative df) {
      this.name = name;
      this.f = f;
      this.df = df;
    }

    public String name() { return name; }

    public Tensor eval(Tensor... x) {
      double[] v = x[0].values();
      double[] d = new double[v.length];
      for (int i = 0; i < d.length; i++) d[i] = f.applyAsDouble(v[i]);
      return Tensor.wrap(d, x[0].shape());
    }

    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.mul(df.of(x[0], out)); }

    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.mul(df.of(x[0], out)); }
  }

  static final Primitive EXP = new Unary("exp", Math::exp, (x, z) -> z);
  static final Primitive LOG = new Unary("log", Math::log, (x, z) -> x.reciprocal());
  static final Primitive LOG1P = new Unary("log1p", Math::log1p, (x, z) -> x.add(1.0).reciprocal());
  static final Primitive EXPM1 = new Unary("expm1", Math::expm1, (x, z) -> z.add(1.0));
  static final Primitive SQRT = new Unary("sqrt", Math::sqrt, (x, z) -> z.mul(2.0).reciprocal());
  static final Primitive SIN = new Unary("sin", Math::sin, (x, z) -> x.cos());
  static final Primitive COS = new Unary("cos", Math::cos, (x, z) -> x.sin().neg());
  static final Primitive TANH = new Unary("tanh", Math::tanh, (x, z) -> z.square().rsub(1.0));
  static final Primitive SIGMOID = new Unary("sigmoid", Elementwise::sigmoid, (x, z) -> z.mul(z.rsub(1.0)));
  /** softplus(x) = log(1 + e^x), softplus'(x) = sigmoid(x) (smooth everywhere, ½ at 0). */
  static final Primitive SOFTPLUS = new Unary("softplus", Elementwise::softplus, (x, z) -> x.sigmoid());

  /** Stable log(1 + e^v) = max(v, 0) + log1p(e^−|v|). */
  private static double softplus(double v) {
    return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }

  private static double sigmoid(double v) {
    if (v >= 0) return 1 / (1 + Math.exp(-v));
    double e = Math.exp(v);
    return e / (1 + e);
  }
}
