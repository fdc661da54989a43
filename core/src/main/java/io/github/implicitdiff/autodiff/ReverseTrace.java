package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Primitive;
import io.github.implicitdiff.tensor.Scatter;
import io.github.implicitdiff.tensor.Tensor;
import io.github.implicitdiff.tensor.Trace;
import io.github.implicitdiff.tensor.Tracer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reverse mode: records each primitive applied to this level's tracers on a tape; {@link #backward}
 * walks the tape from the end, pulling cotangents back through the VJP rules. The rules run as
 * ordinary tensor operations, so an outer trace differentiates the backward pass itself.
 */
final class ReverseTrace implements Trace {
  private final int level;
  private final List<Node> tape = new ArrayList<>();
  private int nextId;

  private record Node(Primitive p, Tensor[] primals, Tensor out, int[] inputIds, int outId) {}

  ReverseTrace(int level) {
    this.level = level;
  }

  @Override
  public int level() {
    return level;
  }

  ReverseTracer input(Tensor primal) {
    return new ReverseTracer(this, primal, nextId++);
  }

  @Override
  public Tensor process(Primitive p, Tensor[] args) {
    Tensor[] primals = new Tensor[args.length];
    int[] ids = new int[args.length];
    boolean any = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof ReverseTracer t && t.trace() == this) {
        primals[i] = t.primal();
        ids[i] = t.id;
        any |= p.differentiable(i);
      } else {
        primals[i] = args[i];
        ids[i] = -1;
      }
    }
    Tensor out = Tensor.apply(p, primals);
    if (!any) return out;
    ReverseTracer t = new ReverseTracer(this, out, nextId++);
    tape.add(new Node(p, primals, out, ids, t.id));
    return t;
  }

  /** How many steps are recorded (tests measure what a checkpoint saves). */
  int tapeLength() {
    return tape.size();
  }

  /** The id of {@code x} on this tape, or −1 when x does not depend on this level's inputs. */
  int idOf(Tensor x) {
    return x instanceof ReverseTracer t && t.trace() == this ? t.id : -1;
  }

  /**
   * Cotangents of {@code inputs} given cotangents {@code g} of {@code outputs} (zero where absent). A concrete
   * cotangent of a {@link Scatter} step (a slice, a gather) is added into one buffer per input instead of being
   * padded to the input's shape and added: the buffer joins the input's other cotangents when they are read.
   */
  Tensor[] backward(Tensor[] outputs, Tensor[] g, Tensor[] inputs) {
    return backward(outputs, g, inputs, null);
  }

  /**
   * For each id on this tape, whether it depends on one of {@code inputs}: the inputs themselves, then each
   * step with such an argument, in tape order.
   */
  boolean[] dependents(Tensor[] inputs) {
    boolean[] dependent = new boolean[nextId];
    for (Tensor x : inputs) {
      int id = idOf(x);
      if (id >= 0) dependent[id] = true;
    }
    for (Node node : tape)
      for (int id : node.inputIds)
        if (id >= 0 && dependent[id]) {
          dependent[node.outId] = true;
          break;
        }
    return dependent;
  }

  /**
   * {@link #backward(Tensor[], Tensor[], Tensor[])} restricted by {@code dependent} ({@link #dependents} of
   * {@code inputs}; null: no restriction): steps whose output does not depend on the inputs are skipped, and no
   * step computes a cotangent for an argument that does not depend on them.
   */
  Tensor[] backward(Tensor[] outputs, Tensor[] g, Tensor[] inputs, boolean[] dependent) {
    Tensor[] ct = new Tensor[nextId];
    Scattered scattered = new Scattered(nextId);
    for (int k = 0; k < outputs.length; k++) {
      int id = idOf(outputs[k]);
      if (id >= 0 && g[k] != null) ct[id] = ct[id] == null ? g[k] : ct[id].add(g[k]);
    }
    int lowest = Integer.MAX_VALUE;
    for (Tensor x : inputs) lowest = Math.min(lowest, Math.max(0, idOf(x)));
    for (int n = tape.size() - 1; n >= 0; n--) {
      Node node = tape.get(n);
      Tensor gi = scattered.read(ct, node.outId);
      if (gi == null) continue;
      if (node.outId < lowest) break;
      if (dependent != null && !dependent[node.outId]) continue;
      if (node.p instanceof Scatter scatter && node.inputIds.length == 1 && node.inputIds[0] >= 0 && !gi.isTraced()
          && !node.primals[0].isTraced()) {
        scatter.addVjpInto(gi, scattered.buffer(node.inputIds[0], node.primals[0].shape()));
        continue;
      }
      boolean[] needed = new boolean[node.inputIds.length];
      for (int i = 0; i < needed.length; i++)
        needed[i] = node.inputIds[i] >= 0 && (dependent == null || dependent[node.inputIds[i]]);
      Tensor[] c = node.p.vjpAll(gi, needed, node.out, node.primals);
      for (int i = 0; i < needed.length; i++) {
        int id = node.inputIds[i];
        if (id < 0 || c[i] == null) continue;
        ct[id] = ct[id] == null ? c[i] : ct[id].add(c[i]);
      }
    }
    Tensor[] r = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      int id = idOf(inputs[i]);
      Tensor c = id >= 0 ? scattered.read(ct, id) : null;
      r[i] = c != null ? c : Tensor.zerosLike(inputs[i]);
    }
    return r;
  }

  /**
   * Tangents of {@code outputs} given tangents {@code t} of {@code inputs} (null: zero), pushed forward through
   * the recorded steps' JVP rules in tape order, at their recorded primals: the JVP without evaluating f
   * again (the linearization of f at the recorded point). A zero tangent for an output that does not depend
   * on the inputs.
   */
  Tensor[] forward(Tensor[] inputs, Tensor[] t, Tensor[] outputs) {
    Tensor[] tangent = new Tensor[nextId];
    for (int i = 0; i < inputs.length; i++) {
      int id = idOf(inputs[i]);
      if (id >= 0 && t[i] != null) tangent[id] = tangent[id] == null ? t[i] : tangent[id].add(t[i]);
    }
    for (Node node : tape) {
      Tensor[] dx = new Tensor[node.inputIds.length];
      boolean any = false;
      for (int i = 0; i < dx.length; i++) {
        int id = node.inputIds[i];
        if (id >= 0 && tangent[id] != null) {
          dx[i] = tangent[id];
          any = true;
        }
      }
      if (any) tangent[node.outId] = node.p.jvpAll(dx, node.out, node.primals);
    }
    Tensor[] r = new Tensor[outputs.length];
    for (int k = 0; k < outputs.length; k++) {
      int id = idOf(outputs[k]);
      Tensor c = id >= 0 ? tangent[id] : null;
      r[k] = c != null ? c : Tensor.zerosLike(outputs[k]);
    }
    return r;
  }

  /** The per-id buffers of scattered cotangents, merged into ct[id] when that cotangent is read. */
  private static final class Scattered {
    private final double[][] buffers;
    private final int[][] shapes;

    Scattered(int ids) {
      buffers = new double[ids][];
      shapes = new int[ids][];
    }

    double[] buffer(int id, int[] shape) {
      if (buffers[id] == null) {
        buffers[id] = new double[io.github.implicitdiff.tensor.Shapes.size(shape)];
        shapes[id] = shape;
      }
      return buffers[id];
    }

    /** ct[id] with the buffered contributions added (and the buffer released). */
    Tensor read(Tensor[] ct, int id) {
      if (buffers[id] != null) {
        Tensor b = Tensor.fromArray(buffers[id], shapes[id]);
        ct[id] = ct[id] == null ? b : ct[id].add(b);
        buffers[id] = null;
      }
      return ct[id];
    }
  }

  /** A value at this level, named by its position on the tape. */
  static final class ReverseTracer extends Tracer {
    final int id;

    ReverseTracer(ReverseTrace trace, Tensor primal, int id) {
      super(trace, primal);
      this.id = id;
    }
  }

}
