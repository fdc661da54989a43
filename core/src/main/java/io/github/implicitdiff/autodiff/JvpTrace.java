package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Primitive;
import io.github.implicitdiff.tensor.Tensor;
import io.github.implicitdiff.tensor.Trace;
import io.github.implicitdiff.tensor.Tracer;

/** Forward mode: every tracer carries its tangent; each primitive pushes tangents through its JVP rule. */
final class JvpTrace implements Trace {
  private final int level;

  JvpTrace(int level) {
    this.level = level;
  }

  @Override
  public int level() {
    return level;
  }

  JvpTracer lift(Tensor primal, Tensor tangent) {
    return new JvpTracer(this, primal, tangent);
  }

  @Override
  public Tensor process(Primitive p, Tensor[] args) {
    Tensor[] primals = new Tensor[args.length];
    Tensor[] tangents = new Tensor[args.length];
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof JvpTracer t && t.trace() == this) {
        primals[i] = t.primal();
        tangents[i] = t.tangent;
      } else {
        primals[i] = args[i];
      }
    }
    Tensor out = Tensor.apply(p, primals);
    Tensor tangent = p.jvpAll(tangents, out, primals);
    return tangent == null ? out : new JvpTracer(this, out, tangent);
  }

  /** A value at this level with its tangent. */
  static final class JvpTracer extends Tracer {
    final Tensor tangent;

    JvpTracer(JvpTrace trace, Tensor primal, Tensor tangent) {
      super(trace, primal);
      this.tangent = tangent;
    }
  }

}
