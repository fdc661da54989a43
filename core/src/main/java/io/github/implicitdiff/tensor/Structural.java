package io.github.implicitdiff.tensor;

import java.util.Arrays;

/**
 * Primitives that move values without arithmetic. Each pair (slice/unslice, take/untake, …) are each
 * other's transposes, so every rule is again a structural operation and differentiates to any order.
 */
final class Structural {
  private Structural() {}

  /** Same values, new shape (shares the value array: tensors are immutable). */
  record Reshape(int[] shape) implements Primitive {
    public String name() { return "reshape"; }
    public Tensor eval(Tensor... x) { return Tensor.wrap(x[0].values(), shape.clone()); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.reshape(shape); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.reshape(x[0].shape()); }
  }

  /** Output dimension i is input dimension perm[i]. */
  record Transpose(int[] perm) implements Primitive {
    public String name() { return "transpose"; }
    public Tensor eval(Tensor... x) { return Kernels.permute(x[0], perm); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.transpose(perm); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
      int[] inv = new int[perm.length];
      for (int k = 0; k < perm.length; k++) inv[perm[k]] = k;
      return g.transpose(inv);
    }
  }

  /** NumPy broadcast_to; its transpose sums over the broadcast dimensions. */
  record BroadcastTo(int[] target) implements Primitive {
    public String name() { return "broadcastTo"; }
    public Tensor eval(Tensor... x) { return Kernels.broadcastTo(x[0], target); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.broadcastTo(target); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.sumTo(x[0].shape()); }
  }

  /** x[start:stop:step] along one axis of a tensor of shape {@code full}. */
  record Slice(int axis, int start, int stop, int step, int[] full) implements Scatter {
    public String name() { return "slice"; }
    public void addVjpInto(Tensor g, double[] acc) { Kernels.unsliceAdd(g, axis, start, step, full, acc); }
    public Tensor eval(Tensor... x) { return Kernels.slice(x[0], axis, start, stop, step); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.slice(axis, start, stop, step); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
      return Tensor.apply(new Unslice(axis, start, stop, step, full), g);
    }
  }

  /** Zeros of shape {@code full} with the input written at x[start:stop:step] (transpose of Slice). */
  record Unslice(int axis, int start, int stop, int step, int[] full) implements Primitive {
    public String name() { return "unslice"; }
    public Tensor eval(Tensor... x) { return Kernels.unslice(x[0], axis, start, step, full); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return Tensor.apply(this, dxi); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.slice(axis, start, stop, step); }
  }

  /** Whole slices along {@code axis} gathered at {@code indices}. */
  record Take(int axis, int[] indices, int[] full) implements Scatter {
    public String name() { return "take"; }
    public void addVjpInto(Tensor g, double[] acc) { Kernels.untakeAdd(g, axis, indices, full, acc); }
    public Tensor eval(Tensor... x) { return Kernels.take(x[0], axis, indices); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.take(indices, axis); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return Tensor.apply(new Untake(axis, indices, full), g); }
  }

  /** Transpose of Take: slices added back at their indices. */
  record Untake(int axis, int[] indices, int[] full) implements Primitive {
    public String name() { return "untake"; }
    public Tensor eval(Tensor... x) { return Kernels.untake(x[0], axis, indices, full); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return Tensor.apply(this, dxi); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.take(indices, axis); }
  }

  /** take_along_axis with integer indices of shape {@code indexShape}. */
  record TakeAlong(int axis, int[] indices, int[] indexShape, int[] full) implements Primitive {
    public String name() { return "takeAlongAxis"; }
    public Tensor eval(Tensor... x) { return Kernels.takeAlong(x[0], axis, indices, indexShape); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.takeAlongAxis(indices, indexShape, axis); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
      return Tensor.apply(new UntakeAlong(axis, indices, indexShape, full), g);
    }
  }

  /** Transpose of TakeAlong. */
  record UntakeAlong(int axis, int[] indices, int[] indexShape, int[] full) implements Primitive {
    public String name() { return "untakeAlongAxis"; }
    public Tensor eval(Tensor... x) { return Kernels.untakeAlong(x[0], axis, indices, indexShape, full); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return Tensor.apply(this, dxi); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return g.takeAlongAxis(indices, indexShape, axis); }
  }

  /** Concatenation along {@code axis}; input i occupies [offset_i, offset_i + n_i). */
  record Concat(int axis) implements Primitive {
    public String name() { return "concat"; }
    public Tensor eval(Tensor... x) { return Kernels.concat(axis, x); }
    private int offset(int i, Tensor[] x) {
      int o = 0;
      for (int k = 0; k < i; k++) o += x[k].dim(axis);
      return o;
    }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) {
      int o = offset(i, x);
      return Tensor.apply(new Unslice(axis, o, o + x[i].dim(axis), 1, out.shape()), dxi);
    }
    /** The output tangent is the concatenation of the input tangents (zeros where absent): O(size), not O(k·size). */
    @Override
    public Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x) {
      Tensor[] t = new Tensor[x.length];
      boolean any = false;
      for (int i = 0; i < x.length; i++) {
        any |= dx[i] != null;
        t[i] = dx[i] != null ? dx[i] : Tensor.zeros(x[i].shape());
      }
      return any ? Tensor.concat(axis, t) : null;
    }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
      int o = offset(i, x);
      return g.slice(axis, o, o + x[i].dim(axis));
    }
  }

  static String str(int[] a) {
    return Arrays.toString(a);
  }
}
