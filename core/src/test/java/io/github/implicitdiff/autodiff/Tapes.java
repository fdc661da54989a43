package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** How many steps reverse mode records: what a checkpoint saves, measured for tests in any package. */
public final class Tapes {
  private Tapes() {}

  /** The length of the tape that reverse mode records for f at x (outer tape only; a checkpoint counts as one step). */
  public static int recordedSteps(TensorFunction f, Tensor x) {
    int level = Levels.enter();
    try {
      ReverseTrace trace = new ReverseTrace(level);
      f.apply(trace.input(x));
      return trace.tapeLength();
    } finally {
      Levels.exit();
    }
  }
}
