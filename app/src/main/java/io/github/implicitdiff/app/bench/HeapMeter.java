package io.github.implicitdiff.app.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Peak extra heap of a task, measured two ways at once, because the JVM offers no exact "live bytes"
 * counter:
 * <ul>
 *   <li><b>live peak</b> ({@link Usage#peakLiveBytes()}): the largest heap occupancy right after a
 *   garbage collection during the task, minus the baseline. It counts only reachable objects, so it is
 *   the number to compare (tapes kept for unrolled differentiation show here), but it is a lower bound
 *   sampled at collections: present only if a collection happened ({@link Usage#collections()}
 *   {@literal >} 0). For a meaningful value run with a small young generation, for example
 *   {@code JAVA_OPTS=-Xmn8m}, so that collections are frequent.</li>
 *   <li><b>sampled peak</b> ({@link Usage#peakSampledBytes()}): the largest used heap seen by a thread
 *   polling MemoryMXBean every millisecond, minus the baseline. An upper bound of the live peak, since it
 *   includes garbage not collected yet.</li>
 * </ul>
 * The baseline is the used heap after System.gc() (repeated until it settles) just before the task.
 * The task runs on the calling thread. Measurements of concurrent work in other threads are mixed in.
 * <pre>{@code
 * HeapMeter.Usage u = HeapMeter.measure(() -> unrolledGradient(theta));
 * long bytes = u.peakLiveBytes();
 * }</pre>
 */
public final class HeapMeter {
  private HeapMeter() {}

  /**
   * Heap figures of one task run, in bytes above the baseline.
   *
   * @param baselineBytes heap used after garbage collection before the task
   * @param peakSampledBytes the largest sampled used heap minus the baseline (≥ 0; includes garbage)
   * @param peakLiveBytes the largest after-collection heap minus the baseline (≥ 0), or -1 if no
   *     collection happened during the task
   * @param collections the number of garbage collections during the task
   * @param seconds the task's wall-clock time
   */
  public record Usage(long baselineBytes, long peakSampledBytes, long peakLiveBytes, int collections,
      double seconds) {
    /** The live peak, or the sampled one (an upper bound, garbage included) when no collection happened. */
    public long peakBytes() {
      return collections > 0 ? peakLiveBytes : peakSampledBytes;
    }
  }

  /** Runs {@code task} once and measures its peak extra heap. */
  public static Usage measure(Supplier<?> task) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = settle(memory);
    AtomicLong peakAfterGc = new AtomicLong(Long.MIN_VALUE);
    AtomicInteger collections = new AtomicInteger();
    long startUptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
    long countBefore = collectionCount();
    Set<String> heapPools = new HashSet<>();
    ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .forEach(p -> heapPools.add(p.getName()));
    NotificationListener listener = (Notification n, Object handback) -> {
      if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
        return;
      }
      var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
      if (info.getGcInfo().getStartTime() < startUptimeMillis) {
        return; // a late notification of a collection from before the task
      }
      long used = 0;
      for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(pool.getKey())) {
          used += pool.getValue().getUsed();
        }
      }
      collections.incrementAndGet();
      peakAfterGc.accumulateAndGet(used, Math::max);
    };
    List<NotificationEmitter> emitters = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    AtomicLong peakSampled = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakSampled.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    long start = System.nanoTime();
    long end = start;
    Object result;
    try {
      sampler.start();
      result = task.get();
      end = System.nanoTime();
    } finally {
      // notifications arrive asynchronously: give the last ones up to 200 ms
      long expected = collectionCount() - countBefore;
      for (int wait = 0; wait < 200 && collections.get() < expected; wait++) {
        sleepQuietly();
      }
      sampler.interrupt();
      try {
        sampler.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (NotificationEmitter emitter : emitters) {
        try {
          emitter.removeNotificationListener(listener);
        } catch (javax.management.ListenerNotFoundException e) {
          // already gone: nothing to undo
        }
      }
    }
    double seconds = (end - start) * 1e-9;
    peakSampled.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    // keep the result reachable until here, so that it counts in the samples above
    java.lang.ref.Reference.reachabilityFence(result);
    long live = collections.get() == 0 ? -1 : Math.max(0, peakAfterGc.get() - baseline);
    return new Usage(baseline, Math.max(0, peakSampled.get() - baseline), live, collections.get(), seconds);
  }

  private static long collectionCount() {
    long count = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
    }
    return count;
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Collects garbage until the used heap changes by less than 1% (at most 5 rounds). */
  private static long settle(MemoryMXBean memory) {
    long previous = Long.MAX_VALUE;
    long used = memory.getHeapMemoryUsage().getUsed();
    for (int round = 0; round < 5 && Math.abs(previous - used) > 0.01 * used; round++) {
      previous = used;
      System.gc();
      used = memory.getHeapMemoryUsage().getUsed();
    }
    return used;
  }
}
