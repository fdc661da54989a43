package io.github.implicitdiff.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void everyPartRunsExactlyOnce() {
    for (int parts = 1; parts <= Parallel.PARTS; parts++) {
      for (int rep = 0; rep < 200; rep++) {
        AtomicIntegerArray count = new AtomicIntegerArray(parts);
        Parallel.run(parts, count::incrementAndGet);
        for (int i = 0; i < parts; i++) assertEquals(1, count.get(i), "part " + i + " of " + parts);
      }
    }
  }

  @Test
  void slicesCoverTheRangeWithoutGaps() {
    for (int n : new int[] {0, 1, 7, 1000, 1001})
      for (int parts = 1; parts <= 5; parts++) {
        assertEquals(0, Parallel.start(n, parts, 0));
        assertEquals(n, Parallel.start(n, parts, parts));
        for (int i = 0; i < parts; i++) assertTrue(Parallel.start(n, parts, i) <= Parallel.start(n, parts, i + 1));
      }
  }

  @Test
  void anExceptionInAnyPartReachesTheCallerAndThePoolStaysUsable() {
    for (int failing = 0; failing < Parallel.PARTS; failing++) {
      int f = failing;
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.run(Parallel.PARTS, i -> {
        if (i == f) throw new IllegalStateException("part " + i + " failed");
      }));
      assertEquals("part " + f + " failed", e.getMessage());
    }
    AtomicIntegerArray count = new AtomicIntegerArray(Parallel.PARTS);
    Parallel.run(Parallel.PARTS, count::incrementAndGet);
    for (int i = 0; i < Parallel.PARTS; i++) assertEquals(1, count.get(i));
  }

  @Test
  void nestedCallsRunInline() {
    AtomicIntegerArray inner = new AtomicIntegerArray(Parallel.PARTS * Parallel.PARTS);
    Parallel.run(Parallel.PARTS, i -> Parallel.run(Parallel.PARTS, j -> inner.incrementAndGet(i * Parallel.PARTS + j)));
    for (int k = 0; k < inner.length(); k++) assertEquals(1, inner.get(k));
  }

  @Test
  void concurrentCallersEachGetAllTheirParts() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++)
        futures.add(pool.submit(() -> {
          for (int rep = 0; rep < 500; rep++) {
            AtomicIntegerArray count = new AtomicIntegerArray(Parallel.PARTS);
            Parallel.run(Parallel.PARTS, count::incrementAndGet);
            for (int i = 0; i < Parallel.PARTS; i++) assertEquals(1, count.get(i));
          }
          return null;
        }));
      for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tooManyPartsIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Parallel.run(Parallel.PARTS + 1, i -> {}));
  }
}
