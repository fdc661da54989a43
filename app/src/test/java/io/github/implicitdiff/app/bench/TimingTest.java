package io.github.implicitdiff.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimingTest {
  @Test
  void runsWarmupPlusRepetitionsAndMeasuresEach() {
    AtomicInteger calls = new AtomicInteger();
    Timing.Result r = Timing.measure(2, 5, () -> {
      calls.incrementAndGet();
      long end = System.nanoTime() + 2_000_000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      return calls;
    });
    assertEquals(7, calls.get());
    assertEquals(5, r.samplesSeconds().length);
    assertTrue(r.minSeconds() >= 0.002, "each run spins 2 ms, min " + r.minSeconds());
    assertTrue(r.minSeconds() <= r.medianSeconds() && r.medianSeconds() <= r.maxSeconds());
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, new Timing.Result(new double[] {3, 1, 2}, 0).medianSeconds());
    assertEquals(2.5, new Timing.Result(new double[] {4, 1, 3, 2}, 0).medianSeconds());
  }

  @Test
  void zeroRepetitionsIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Timing.measure(0, 0, () -> 1));
  }

  @Test
  void heapMeterSeesARetainedAllocation() {
    HeapMeter.Usage u = HeapMeter.measure(() -> {
      long[][] blocks = new long[64][];
      for (int k = 0; k < blocks.length; k++) {
        blocks[k] = new long[125_000]; // 1 MB each, 64 MB in all, all reachable at the end
      }
      long end = System.nanoTime() + 20_000_000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      return blocks;
    });
    assertTrue(u.peakSampledBytes() >= 60_000_000L, "sampled peak " + u.peakSampledBytes());
    assertTrue(u.peakSampledBytes() < 1_000_000_000L, "sampled peak " + u.peakSampledBytes());
    assertTrue(u.collections() == 0 ? u.peakLiveBytes() == -1 : u.peakLiveBytes() >= 0);
  }
}
