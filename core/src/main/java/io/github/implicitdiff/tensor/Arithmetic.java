package io.github.implicitdiff.tensor;

/** The arithmetic primitives with broadcasting; each rule undoes broadcasting with {@link Tensor#sumTo}. */
final class Arithmetic {
  private Arithmetic() {}

  /** z = x + y. */
  static final Primitive ADD = new Primitive() {
    public String name() { return "add"; }
    public Tensor eval(Tensor... x) { return Kernels.binary(Kernels.Bin.ADD, x[0], x[1]); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.broadcastTo(out.shape()); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.sumTo(x[i].shape()); }
  };

  /** z = x − y. */
  static final Primitive SUB = new Primitive() {
    public String name() { return "sub"; }
    public Tensor eval(Tensor... x) { return Kernels.binary(Kernels.Bin.SUB, x[0], x[1]); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) {
      Tensor d = dxi.broadcastTo(out.shape());
      return i == 0 ? d : d.neg();
    }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
      Tensor s = g.sumTo(x[i].shape());
      return i == 0 ? s : s.neg();
    }
  };

  /** z = x ⊙ y. */
  static final Primitive MUL = new Primitive() {
    public String name() { return "mul"; }
    public Tensor eval(Tensor... x) { return Kernels.binary(Kernels.Bin.MUL, x[0], x[1]); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.mul(x[1 - i]).broadcastTo(out.shape()); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.mul(x[1 - i]).sumTo(x[i].shape()); }
  };

  /** z = x / y: dz = dx / y − dy · z / y. */
  static final Primitive DIV = new Primitive() {
    public String name() { return "div"; }
    public Tensor eval(Tensor... x) { return Kernels.binary(Kernels.Bin.DIV, x[0], x[1]); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) {
      return (i == 0 ? dxi.div(x[1]) : dxi.mul(out).div(x[1]).neg()).broadcastTo(out.shape());
    }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
      return (i == 0 ? g.div(x[1]) : g.mul(out).div(x[1]).neg()).sumTo(x[i].shape());
    }
  };

  /** z = x^y: dz = y x^(y−1) dx + z log(x) dy. */
  static final Primitive POW = new Primitive() {
    public String name() { return "pow"; }
    public Tensor eval(Tensor... x) { return Kernels.binary(Kernels.Bin.POW, x[0], x[1]); }
    private Tensor partial(int i, Tensor out, Tensor[] x) {
      return i == 0 ? x[1].mul(x[0].pow(x[1].sub(1.0))) : out.mul(x[0].log());
    }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.mul(partial(i, out, x)).broadcastTo(out.shape()); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.mul(partial(i, out, x)).sumTo(x[i].shape()); }
  };

  /** z = −x. */
  static final Primitive NEG = new Primitive() {
    public String name() { return "neg"; }
    public Tensor eval(Tensor... x) { return Kernels.binary(Kernels.Bin.MUL, x[0], Tensor.scalar(-1)); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.neg(); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.neg(); }
  };
}
