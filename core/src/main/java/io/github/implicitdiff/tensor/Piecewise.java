package io.github.implicitdiff.tensor;

/**
 * Piecewise-linear and piecewise-constant primitives. At a kink the derivative follows a convention:
 * |x|' = sign(x) (0 at 0); max/min split the derivative evenly between tied arguments; where(mask, a, b)
 * never differentiates its mask; sign, floor and round carry no derivative (zero almost everywhere, the
 * jumps ignored).
 */
final class Piecewise {
  private Piecewise() {}

  static final Primitive ABS = new Primitive() {
    public String name() { return "abs"; }
    public Tensor eval(Tensor... x) {
      double[] v = x[0].values(), d = new double[v.length];
      for (int i = 0; i < d.length; i++) d[i] = Math.abs(v[i]);
      return Tensor.wrap(d, x[0].shape());
    }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.mul(x[0].sign()); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.mul(x[0].sign()); }
  };

  /** relu(x) = max(x, 0); relu'(x) = [x > 0] (0 at the kink). */
  static final Primitive RELU = new Primitive() {
    public String name() { return "relu"; }
    public Tensor eval(Tensor... x) {
      double[] v = x[0].values(), d = new double[v.length];
      for (int i = 0; i < d.length; i++) d[i] = Math.max(v[i], 0.0); // branch-free; keeps NaN
      return Tensor.wrap(d, x[0].shape());
    }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.mul(x[0].concrete().gt(0)); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.mul(x[0].concrete().gt(0)); }
  };

  /** Sign: constant almost everywhere, so it carries no derivative. */
  static final Primitive SIGN = stepFunction("sign", Math::signum);

  /** Floor ⌊x⌋: constant between integers, so it carries no derivative. */
  static final Primitive FLOOR = stepFunction("floor", Math::floor);

  /** Nearest integer, halves to even (NumPy's round): constant between half-integers, no derivative. */
  static final Primitive ROUND = stepFunction("round", Math::rint);

  /** An elementwise function that is piecewise constant: its derivative is zero almost everywhere. */
  private static Primitive stepFunction(String name, java.util.function.DoubleUnaryOperator f) {
    return new Primitive() {
      public String name() { return name; }
      public Tensor eval(Tensor... x) {
        double[] v = x[0].values(), d = new double[v.length];
        for (int i = 0; i < d.length; i++) d[i] = f.applyAsDouble(v[i]);
        return Tensor.wrap(d, x[0].shape());
      }
      public boolean differentiable(int i) { return false; }
      public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { throw new AssertionError(); }
      public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { throw new AssertionError(); }
    };
  }

  /** Weight of the first argument in d max(x, y) (or min): 1, 0, or ½ at a tie. Concrete, output-shaped. */
  private static Tensor firstWeight(Tensor x, Tensor y, boolean max) {
    Tensor a = x.concrete(), b = y.concrete();
    Tensor wins = max ? a.gt(b) : a.lt(b);
    return wins.add(a.eq(b).mul(0.5));
  }

  private static Primitive extremum(boolean max) {
    return new Primitive() {
      public String name() { return max ? "maximum" : "minimum"; }
      public Tensor eval(Tensor... x) { return Kernels.binary(max ? Kernels.Bin.MAX : Kernels.Bin.MIN, x[0], x[1]); }
      private Tensor weight(int i, Tensor[] x) {
        Tensor w = firstWeight(x[0], x[1], max);
        return i == 0 ? w : w.rsub(1.0);
      }
      public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.mul(weight(i, x)).broadcastTo(out.shape()); }
      public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.mul(weight(i, x)).sumTo(x[i].shape()); }
    };
  }

  static final Primitive MAXIMUM = extremum(true);
  static final Primitive MINIMUM = extremum(false);

  /** where(mask, a, b): inputs are (mask, a, b), the mask concrete. */
  static final Primitive WHERE = new Primitive() {
    public String name() { return "where"; }
    public Tensor eval(Tensor... x) { return Kernels.where(x[0], x[1], x[2]); }
    public boolean differentiable(int i) { return i > 0; }
    private Tensor select(int i, Tensor t, Tensor mask) {
      Tensor z = Tensor.scalar(0);
      return i == 1 ? Tensor.where(mask, t, z) : Tensor.where(mask, z, t);
    }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return select(i, dxi, x[0]).broadcastTo(out.shape()); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return select(i, g, x[0]).sumTo(x[i].shape()); }
  };
}
