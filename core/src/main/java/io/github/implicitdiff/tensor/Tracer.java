package io.github.implicitdiff.tensor;

/**
 * A tensor that stands for a value being differentiated at some {@link Trace}. Its operations are
 * recorded or propagated by that trace; its {@link #primal()} is the value one level further out.
 */
public abstract class Tracer extends Tensor {
  private final Trace trace;
  private final Tensor primal;

  protected Tracer(Trace trace, Tensor primal) {
    super(primal.shapeRef());
    this.trace = trace;
    this.primal = primal;
  }

  /** The trace that owns this tracer. */
  public final Trace trace() {
    return trace;
  }

  /** The value this tracer stands for, itself possibly a tracer of an outer trace. */
  public final Tensor primal() {
    return primal;
  }
}
