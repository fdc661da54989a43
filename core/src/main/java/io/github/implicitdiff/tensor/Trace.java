package io.github.implicitdiff.tensor;

/**
 * One level of differentiation (one {@code jvp} or {@code vjp} call in progress). Implemented by the
 * autodiff layer; the tensor layer only routes operations to the innermost trace among the arguments.
 */
public interface Trace {
  /** Nesting depth: an inner derivative has a higher level than the one enclosing it. */
  int level();

  /** Applies {@code p} to arguments, at least one of which is a tracer of this trace. */
  Tensor process(Primitive p, Tensor[] args);
}
