package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Runs a solver's loop one iteration at a time, or, when reverse mode records it and a {@link Checkpointing}
 * schedule is set, in segments of iterations each recorded as one {@link AD#checkpoint}ed step.
 *
 * <p>A loop exposes its state between iterations as {@link State}: the tensors through which derivatives flow
 * from one iteration to the next ({@link State#carried()}) and concrete values (counters, step sizes, flags) that
 * decide what the next iterations do. A segment is the function (carried tensors, θ) ↦ carried tensors after up to
 * k iterations, run from a copy of the concrete state at its start ({@link State#restore}); the pullback runs it
 * again from the same copy, so it takes the same decisions and recomputes the same iterates. The carried tensors
 * leave the segment packed into one vector (a checkpoint has one output) and are sliced back.
 */
final class SegmentedLoop {
  private SegmentedLoop() {}

  /**
   * A loop's state between two iterations.
   *
   * @param <S> the state type
   */
  interface State<S extends State<S>> {
    /** The tensors carried to the next iteration (their number and shapes may depend on the concrete state). */
    Tensor[] carried();

    /**
     * A new state with this one's concrete values (copied: the copy's iterations must not change this one) and
     * {@code carried} in place of {@link #carried()}.
     */
    S restore(Tensor[] carried);

    /** One iteration on θ; the loop's result when it ends here (converged, or out of iterations), else null. */
    SolverResult step(Tensor[] theta);
  }

  /** Iterates {@code start} to its result, checkpointed by {@code schedule} when reverse mode records the run. */
  static <S extends State<S>> SolverResult run(S start, Tensor[] theta, Checkpointing schedule) {
    if (!schedule.enabled() || !(AD.isRecorded(theta) || AD.isRecorded(start.carried()))) {
      for (S s = start; ; ) {
        SolverResult r = s.step(theta);
        if (r != null) return r;
      }
    }
    S s = start;
    for (int j = 0; ; j++) {
      Segment<S> segment = new Segment<>(s, schedule.segmentLength(j));
      Tensor[] carried = s.carried();
      Tensor packed = AD.checkpoint(in -> segment.run(in, carried.length)).apply(concat(carried, theta));
      Tensor[] out = unpack(packed, segment.shapes);
      if (segment.result != null) return segment.result.withSolution(out[out.length - 1]);
      s = segment.end.restore(out);
      segment.end = null; // the tape keeps the segment for its pullback; its end state is not needed there
    }
  }

  /** One segment: its start, length, and what its first run found (the state at its end, the loop's result). */
  private static final class Segment<S extends State<S>> {
    private final S start;
    private final int length;
    private S end;
    private SolverResult result;
    private int[][] shapes;

    Segment(S start, int length) {
      this.start = start;
      this.length = length;
    }

    /** Up to {@code length} iterations from (carried, θ) = in; the carried tensors after them (and the solution). */
    Tensor run(Tensor[] in, int carriedCount) {
      S s = start.restore(Arrays.copyOf(in, carriedCount));
      Tensor[] theta = Arrays.copyOfRange(in, carriedCount, in.length);
      SolverResult r = null;
      for (int i = 0; i < length && r == null; i++) r = s.step(theta);
      Tensor[] out = r == null ? s.carried() : concat(s.carried(), new Tensor[] {r.solution()});
      if (shapes == null) { // the first run; the pullback's re-run takes the same decisions
        end = s;
        result = r;
        shapes = new int[out.length][];
        for (int i = 0; i < out.length; i++) shapes[i] = out[i].shape();
      }
      return pack(out);
    }
  }

  private static Tensor[] concat(Tensor[] a, Tensor[] b) {
    Tensor[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static Tensor pack(Tensor[] ts) {
    Tensor[] flat = new Tensor[ts.length];
    for (int i = 0; i < ts.length; i++) flat[i] = ts[i].reshape(-1);
    return Tensor.concat(0, flat);
  }

  private static Tensor[] unpack(Tensor packed, int[][] shapes) {
    Tensor[] r = new Tensor[shapes.length];
    int offset = 0;
    for (int i = 0; i < shapes.length; i++) {
      int n = 1;
      for (int d : shapes[i]) n *= d;
      r[i] = packed.slice(0, offset, offset + n).reshape(shapes[i]);
      offset += n;
    }
    return r;
  }
}
