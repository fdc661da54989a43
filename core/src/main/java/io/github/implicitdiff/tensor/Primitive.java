package io.github.implicitdiff.tensor;

/**
 * An operation the tracers know: its evaluation, its JVP rule and its VJP (transpose) rule, side by side.
 *
 * <p>The rules are written in {@link Tensor} operations, so they differentiate again: derivatives nest
 * to any order. Parameters of an operation (axes, a target shape) are fields of the primitive object.
 *
 * <p>Both rules are linear in the tangent/cotangent and stated per input: {@link #jvp} returns the
 * contribution ∂out/∂x_i · dx_i (with the output's shape), {@link #vjp} returns g · ∂out/∂x_i (with x_i's
 * shape). A primitive may override {@link #jvpAll}/{@link #vjpAll} when one computation serves all inputs.
 */
public interface Primitive {
  /** Name used in error messages. */
  String name();

  /** Evaluates on concrete (untraced) inputs. */
  Tensor eval(Tensor... x);

  /** Contribution of input {@code i} to the output tangent: ∂out/∂x_i · dxi. Shape: the output's. */
  Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x);

  /** Cotangent of input {@code i}: g · ∂out/∂x_i. Shape: x_i's. */
  Tensor vjp(int i, Tensor g, Tensor out, Tensor... x);

  /** Whether input {@code i} carries derivatives at all (index arguments and masks do not). */
  default boolean differentiable(int i) {
    return true;
  }

  /**
   * Output tangent given the tangents of all inputs ({@code null} means a zero tangent); {@code null} when
   * every contribution is zero.
   */
  default Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x) {
    Tensor t = null;
    for (int i = 0; i < x.length; i++) {
      if (dx[i] == null || !differentiable(i)) continue;
      Tensor c = jvp(i, dx[i], out, x);
      t = t == null ? c : t.add(c);
    }
    return t;
  }

  /** Cotangents of the inputs flagged in {@code needed} (others are left {@code null}). */
  default Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x) {
    Tensor[] r = new Tensor[x.length];
    for (int i = 0; i < x.length; i++) if (needed[i] && differentiable(i)) r[i] = vjp(i, g, out, x);
    return r;
  }
}
