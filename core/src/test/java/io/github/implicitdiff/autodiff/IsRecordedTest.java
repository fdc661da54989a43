package io.github.implicitdiff.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.Tensor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** AD.isRecorded: whether reverse mode records operations on a tensor, at any nesting level. */
class IsRecordedTest {
  @Test
  void trueUnderReverseModeAtAnyLevelFalseOtherwise() {
    Tensor x0 = Tensor.of(1, 2);
    assertFalse(AD.isRecorded(x0));
    AtomicBoolean seen = new AtomicBoolean();
    AD.grad(x -> {
      seen.set(AD.isRecorded(x) && AD.isRecorded(x.mul(2)) && !AD.isRecorded(Tensor.ones(2)));
      return x.sum();
    }, x0);
    assertTrue(seen.get(), "grad");
    AD.jvp(x -> {
      seen.set(AD.isRecorded(x));
      return x;
    }, x0, Tensor.ones(2));
    assertFalse(seen.get(), "jvp alone records nothing");
    // forward over reverse: the JVP tracer wraps a reverse tracer; reverse over forward: the reverse tracer is outside
    AD.grad(x -> AD.jvp(y -> {
      seen.set(AD.isRecorded(y));
      return y.square();
    }, x, Tensor.ones(2)).outTangent().sum(), x0);
    assertTrue(seen.get(), "jvp inside grad");
    AD.jvp(x -> {
      AD.grad(y -> {
        seen.set(AD.isRecorded(y) && AD.isRecorded(x.add(y)));
        return y.sum();
      }, x);
      return x;
    }, x0, Tensor.ones(2));
    assertTrue(seen.get(), "grad inside jvp");
    AD.linearize(in -> {
      seen.set(AD.isRecorded(in));
      return in;
    }, x0);
    assertTrue(seen.get(), "linearize records");
    assertFalse(AD.isRecorded(AD.stopGradient(x0)));
  }
}
