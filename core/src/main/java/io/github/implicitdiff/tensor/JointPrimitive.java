package io.github.implicitdiff.tensor;

/**
 * A primitive whose rules are naturally stated for all inputs at once (one linear solve serving every
 * input, a user rule taking every tangent): it implements {@link #jvpAll} and {@link #vjpAll}, and the
 * per-input rules follow from them.
 */
public interface JointPrimitive extends Primitive {
  @Override
  Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x);

  @Override
  Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x);

  @Override
  default Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) {
    Tensor[] dx = new Tensor[x.length];
    dx[i] = dxi;
    return jvpAll(dx, out, x);
  }

  @Override
  default Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
    boolean[] needed = new boolean[x.length];
    needed[i] = true;
    return vjpAll(g, needed, out, x)[i];
  }
}
