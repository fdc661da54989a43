package io.github.implicitdiff.tensor;

/**
 * A tensor that stands for a value being differentiated at some {@link Trace}. Its operations are
 * recorded or propagated by that trace; its {@link #primal()} is the value one level further out.
 */
public abstract class Tracer extends Tensor {
  protected Tracer(Tensor primal) {
    super(primal.shapeRef());
  }

  /** The trace that owns this tracer. */
  public abstract Trace trace();

  /** The value this tracer stands for, itself possibly a tracer of an outer trace. */
  public abstract Tensor primal();
}
