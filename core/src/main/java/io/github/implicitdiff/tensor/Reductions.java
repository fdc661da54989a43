package io.github.implicitdiff.tensor;

/** Reductions along axes and the cumulative sum. */
final class Reductions {
  private Reductions() {}

  /** Sum over {@code axes} (sorted) of a tensor of shape {@code full}; the VJP broadcasts g back. */
  record Sum(int[] axes, boolean keepDims, int[] full) implements Primitive {
    public String name() { return "sum"; }
    public Tensor eval(Tensor... x) { return Kernels.sum(x[0], axes, keepDims); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.sum(axes, keepDims); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
      return g.reshape(Shapes.reduced(full, axes, true)).broadcastTo(full);
    }
  }

  /**
   * Maximum (or minimum) over {@code axes}. The derivative goes to the arg-extrema, split evenly among
   * ties: weights w = [x = out] / count, dout = Σ w ⊙ dx.
   */
  record Extremum(boolean max, int[] axes, boolean keepDims, int[] full) implements Primitive {
    public String name() { return max ? "max" : "min"; }
    public Tensor eval(Tensor... x) { return Kernels.extremum(x[0], axes, keepDims, max); }
    private Tensor weights(Tensor x, Tensor out) {
      Tensor o = out.concrete().reshape(Shapes.reduced(full, axes, true));
      Tensor hit = x.concrete().eq(o);
      return hit.div(hit.sum(axes, true));
    }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return dxi.mul(weights(x[0], out)).sum(axes, keepDims); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
      return g.reshape(Shapes.reduced(full, axes, true)).mul(weights(x[0], out));
    }
  }

  /** Cumulative sum along an axis (reverse: from the end); its transpose is the reverse cumulative sum. */
  record Cumsum(int axis, boolean reverse) implements Primitive {
    public String name() { return "cumsum"; }
    public Tensor eval(Tensor... x) { return Kernels.cumsum(x[0], axis, reverse); }
    public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) { return Tensor.apply(this, dxi); }
    public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) { return Tensor.apply(new Cumsum(axis, !reverse), g); }
  }
}
