package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Peak extra heap of one ridge hypergradient method, measured in a fresh JVM with a small young
 * generation ({@code -XX:+UseSerialGC}, 2 MB eden, 2 MB survivors) so that collections are frequent and the after-collection (live) peak is
 * meaningful. {@link #measure} starts the child JVM; {@link #main} is the child. {@link #inChildJvm} and
 * {@link #report} do the same for any other task with its own main class.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  private static final int SETTLING_COLLECTIONS = 6;

  /** Which computation to measure. */
  public enum Method { IMPLICIT, UNROLLED, CHECKPOINTED }

  /**
   * Every probe's young generation: a 2 MB eden (collections stay frequent) with two 2 MB survivor spaces, so that
   * what lives for a few collections only (a checkpointed segment's tape, 1.4 MB at 1000×200 and K = 1000; a
   * solver's working set) dies there. With a 1 MB young generation (100 KB survivors) it was promoted and counted as
   * live until a full collection: the checkpointed ridge method measured 35 MB that way against 1.6 MB reachable,
   * and the SAVI implicit step 25 MB against 3.1 MB.
   */
  private static final List<String> YOUNG_GENERATION = List.of("-Xmn6m", "-XX:SurvivorRatio=1");

  /** Peak live bytes of {@code method} with K solver steps on the n×d problem (seed 0), from a child JVM. */
  public static HeapMeter.Usage measure(Method method, int n, int d, int K) {
    return inChildJvm(MemoryProbe.class, method.name(), String.valueOf(n), String.valueOf(d), String.valueOf(K));
  }

  /**
   * Runs {@code main} with {@code args} in a child JVM with this JVM's class path and a small young generation
   * ({@code -XX:+UseSerialGC -Xmn6m -XX:SurvivorRatio=1 -Xss8m}: 2 MB eden, 2 MB survivors), and reads the usage its last output line reports (written by
   * {@link #report}).
   *
   * @throws IllegalStateException if the child cannot start or fails
   */
  public static HeapMeter.Usage inChildJvm(Class<?> main, String... args) {
    return inChildJvm(YOUNG_GENERATION, main, args);
  }

  /**
   * {@link #inChildJvm(Class, String...)} with other young-generation flags: a task that allocates only a few MB
   * sees no collection with a 2 MB eden, so its figure would be the sampled peak, garbage included; a 1 MB young
   * generation ({@code List.of("-Xmn1m")}) collects often enough to give a live figure there.
   */
  public static HeapMeter.Usage inChildJvm(List<String> youngGeneration, Class<?> main, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
    cmd.addAll(youngGeneration);
    cmd.addAll(List.of("-Xss8m", "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) throw new IllegalStateException("memory probe failed: " + out);
      String[] f = out.lines().reduce((a, b) -> b).orElse("").split(" ");
      return new HeapMeter.Usage(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
          Double.parseDouble(f[4]));
    } catch (IOException e) {
      throw new IllegalStateException("memory probe: cannot start " + java + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("memory probe interrupted", e);
    }
  }

  /**
   * In a child started by {@link #inChildJvm}: runs {@code task} once as a warm-up (class loading and JIT
   * allocations stay out of the figure), collects garbage {@value #SETTLING_COLLECTIONS} times, then measures
   * the task and prints "baseline sampled live collections seconds". The collections come first because what a
   * task leaves behind can survive a few full collections (a run of the DEQ probe left 13 MB that only the
   * fourth System.gc() freed), and HeapMeter's own settling stops at the first two equal readings: that memory
   * would count in the baseline and be freed during the measured run, hiding as much of its peak.
   */
  public static void report(java.util.function.Supplier<?> task) {
    task.get();
    for (int i = 0; i < SETTLING_COLLECTIONS; i++) System.gc();
    HeapMeter.Usage u = HeapMeter.measure(task);
    System.out.println(u.baselineBytes() + " " + u.peakSampledBytes() + " " + u.peakLiveBytes() + " " + u.collections() + " "
        + u.seconds());
  }

  /** Child: prints "baseline sampled live collections seconds". */
  public static void main(String[] args) {
    Method method = Method.valueOf(args[0]);
    int n = Integer.parseInt(args[1]), d = Integer.parseInt(args[2]), K = Integer.parseInt(args[3]);
    RidgeHypergradient p = RidgeHypergradient.random(0, n, d);
    double lam = 0.1;
    var wStar = Implicit.customRoot(p.stationarity(), th -> p.gradientDescent(th[0], K), LinearSolvers.cg().withTol(1e-10),
        ImplicitOptions.defaults().withSymmetric(true).withPolicy(ImplicitOptions.CheckPolicy.WARN).withListener(x -> {}));
    java.util.function.Supplier<Double> task = switch (method) {
      case IMPLICIT -> () -> AD.grad(l -> p.valLoss(wStar.apply(l)), Tensor.scalar(lam)).item();
      case UNROLLED -> () -> p.unrolledReverse(lam, K);
      case CHECKPOINTED -> () -> p.unrolledCheckpointed(lam, K);
    };
    report(task);
  }
}
