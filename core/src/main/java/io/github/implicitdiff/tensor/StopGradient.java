package io.github.implicitdiff.tensor;

/** Identity whose derivative is zero: the output is a constant to every trace. */
final class StopGradient implements Primitive {
  static final StopGradient INSTANCE = new StopGradient();

  public String name() { return "stopGradient"; }
  public Tensor eval(Tensor... x) { return x[0]; }
  public boolean differentiable(int i) { return false; }
  public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { throw new AssertionError(); }
  public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { throw new AssertionError(); }
}
