package io.github.implicitdiff.tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Measurement harness for the matrix product (a plain main, not a test). Run after test-compile:
 * <pre>
 * java -cp core/target/classes:core/target/test-classes:$CP io.github.implicitdiff.tensor.MatmulPerf [section...]
 * </pre>
 * Sections: square, matvec, skinny, big, threads (all when none given). Prints medians.
 */
public final class MatmulPerf {
  private MatmulPerf() {}

  public static void main(String[] args) {
    Locale.setDefault(Locale.ROOT);
    System.out.println("native available: " + NativeGemm.AVAILABLE);
    String threads = System.getProperty("blasThreads");
    if (threads != null) org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(Integer.parseInt(threads));
    if (NativeGemm.AVAILABLE)
      System.out.println("OpenBLAS threads: " + org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads());
    var sections = args.length == 0 ? Arrays.asList("square", "matvec", "skinny", "big", "threads") : Arrays.asList(args);
    if (sections.contains("square")) square();
    if (sections.contains("matvec")) matvec();
    if (sections.contains("skinny")) skinny();
    if (sections.contains("big")) big();
    if (sections.contains("threads")) threads();
  }

  /** Median seconds of {@code body} after warm-up, with a rough time budget. */
  static double median(Runnable body, double budgetSeconds) {
    long t0 = System.nanoTime();
    int warm = 0;
    while (warm < 3 || (System.nanoTime() - t0) < 0.2e9 * budgetSeconds && warm < 1000) {
      body.run();
      warm++;
    }
    double per = (System.nanoTime() - t0) / 1e9 / warm;
    int runs = (int) Math.max(5, Math.min(2000, budgetSeconds / Math.max(per, 1e-9)));
    double[] t = new double[runs];
    for (int r = 0; r < runs; r++) {
      long s = System.nanoTime();
      body.run();
      t[r] = (System.nanoTime() - s) / 1e9;
    }
    Arrays.sort(t);
    return t[runs / 2];
  }

  static Tensor rand(Random rng, int... shape) {
    return Tensor.randn(rng, shape);
  }

  static volatile double sink;

  static void square() {
    System.out.println("square n: java_us native_scratch_us native_mirror_us (median)");
    Random rng = new Random(1);
    for (int n : new int[] {2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256}) {
      report("n=" + n, rng, n, n, n, false, false);
    }
    for (boolean ta : new boolean[] {false, true})
      for (boolean tb : new boolean[] {false, true}) report("n=48 tA=" + ta + " tB=" + tb, rng, 48, 48, 48, ta, tb);
  }

  static void matvec() {
    System.out.println("matrix-vector m×k·k×1 and vector-matrix 1×k·k×n: java_us native_scratch_us native_mirror_us");
    Random rng = new Random(2);
    for (int n : new int[] {16, 32, 64, 128, 256, 512, 1000}) {
      report("Av n=" + n, rng, n, 1, n, false, false);
      report("vA n=" + n, rng, 1, n, n, false, false);
      report("Atv n=" + n, rng, n, 1, n, true, false);
    }
    for (int[] s : new int[][] {{100, 10, 100}, {200, 10, 200}, {500, 10, 100}, {64, 64, 16}, {16, 64, 64}, {256, 4, 64}})
      report("m=" + s[0] + " n=" + s[1] + " k=" + s[2], rng, s[0], s[1], s[2], false, false);
    report("X(5000x1000)·v", rng, 5000, 1, 1000, false, false);
    report("Xᵀ·u (flag)", rng, 1000, 1, 5000, true, false);
  }

  /**
   * Times the Java kernel, native with scratch copies (fresh tensor wrappers) and native on mirrors,
   * interleaved in rounds so that load from other processes hits all three alike; prints medians in µs.
   */
  static void report(String label, Random rng, int m, int n, int k, boolean ta, boolean tb) {
    Tensor a = ta ? rand(rng, k, m) : rand(rng, m, k), b = tb ? rand(rng, n, k) : rand(rng, k, n);
    int[] sa = a.shapeRef(), sb = b.shapeRef();
    double[] x = a.values(), y = b.values();
    Runnable java = () -> {
      double[] c = new double[m * n];
      JavaKernel.gemm(ta, tb, m, n, k, x, 0, y, 0, c, 0);
      sink += c[0];
    };
    Runnable scratch = () -> {
      Tensor a1 = Tensor.wrap(x, sa), b1 = Tensor.wrap(y, sb);
      sink += NativeGemm.gemm(a1, b1, ta, tb, 1, sa[0], sa[1], sb[0], sb[1])[0];
    };
    Runnable mirror = () -> sink += NativeGemm.gemm(a, b, ta, tb, 1, sa[0], sa[1], sb[0], sb[1])[0];
    Runnable[] variants = NativeGemm.AVAILABLE ? new Runnable[] {java, scratch, mirror} : new Runnable[] {java};
    // calibrate repetitions so one timed batch lasts about 2 ms
    long s0 = System.nanoTime();
    int reps = 0;
    while (System.nanoTime() - s0 < 50_000_000L) {
      for (Runnable v : variants) v.run();
      reps++;
    }
    int batch = (int) Math.max(1, reps * 2_000_000L / (System.nanoTime() - s0)), rounds = 41;
    double[][] t = new double[variants.length][rounds];
    for (int r = 0; r < rounds; r++)
      for (int v = 0; v < variants.length; v++) {
        long s = System.nanoTime();
        for (int q = 0; q < batch; q++) variants[v].run();
        t[v][r] = (System.nanoTime() - s) / 1e3 / batch;
      }
    double[] med = new double[3];
    Arrays.fill(med, Double.NaN);
    for (int v = 0; v < variants.length; v++) {
      Arrays.sort(t[v]);
      med[v] = t[v][rounds / 2];
    }
    System.out.printf("%-26s %10.2f %10.2f %10.2f   m*n*k=%d -> %s%n", label, med[0], med[1], med[2],
        (long) m * n * k, Blas.useNative(m, n, k) ? "native" : "java");
  }

  static void skinny() {
    Random rng = new Random(3);
    Tensor X = rand(rng, 5000, 1000), W = rand(rng, 1000, 10), G = rand(rng, 5000, 10);
    double tXW = median(() -> sink += X.matmul(W).values()[0], 2);
    double tXtG = median(() -> sink += Blas.matmul(X, G, true, false).values()[0], 2);
    System.out.printf("X(5000x1000)·W(1000x10) via Tensor.matmul: %.2f ms%n", tXW * 1e3);
    System.out.printf("Xᵀ·G (transA flag)            via Blas:   %.2f ms%n", tXtG * 1e3);
    // the autodiff path: the gradient of a loss through X·W uses the flagged product for Xᵀ G
    double tFresh = median(() -> {
      Tensor x1 = Tensor.wrap(X.values(), 5000, 1000);
      sink += x1.matmul(W).values()[0];
    }, 2);
    System.out.printf("X·W with X never seen before (scratch copy of X): %.2f ms%n", tFresh * 1e3);
    double[] x = X.values(), w = W.values(), g = G.values();
    double tj1 = median(() -> {
      double[] c = new double[5000 * 10];
      JavaKernel.gemm(false, false, 5000, 10, 1000, x, 0, w, 0, c, 0);
      sink += c[0];
    }, 2);
    double tj2 = median(() -> {
      double[] c = new double[1000 * 10];
      JavaKernel.gemm(true, false, 1000, 10, 5000, x, 0, g, 0, c, 0);
      sink += c[0];
    }, 2);
    System.out.printf("java kernel: X·W %.2f ms, Xᵀ·G %.2f ms%n", tj1 * 1e3, tj2 * 1e3);
  }

  static void big() {
    Random rng = new Random(4);
    int n = 1024, rounds = Integer.getInteger("rounds", 11);
    Tensor a = rand(rng, n, n), b = rand(rng, n, n);
    double flops = 2.0 * n * n * n;
    for (int w = 0; w < 4; w++) sink += a.matmul(b).values()[0];
    // interleaved so that load from other processes hits all variants alike
    double[] mirrored = new double[rounds], fresh = new double[rounds], raw = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long s = System.nanoTime();
      sink += a.matmul(b).values()[0];
      mirrored[r] = (System.nanoTime() - s) / 1e9;
      Tensor a1 = Tensor.wrap(a.values(), n, n), b1 = Tensor.wrap(b.values(), n, n);
      s = System.nanoTime();
      sink += a1.matmul(b1).values()[0];
      fresh[r] = (System.nanoTime() - s) / 1e9;
      s = System.nanoTime();
      sink += NativeGemm.gemm(a, b, false, false, 1, n, n, n, n)[0];
      raw[r] = (System.nanoTime() - s) / 1e9;
    }
    for (double[] t : new double[][] {mirrored, fresh, raw}) Arrays.sort(t);
    System.out.printf("1024x1024 Tensor.matmul, inputs mirrored: median %.1f GFLOP/s (best %.1f)%n",
        flops / mirrored[rounds / 2] / 1e9, flops / mirrored[0] / 1e9);
    System.out.printf("1024x1024 Tensor.matmul, inputs new (scratch copies): median %.1f GFLOP/s (best %.1f)%n",
        flops / fresh[rounds / 2] / 1e9, flops / fresh[0] / 1e9);
    System.out.printf("1024x1024 NativeGemm.gemm on mirrors: median %.1f GFLOP/s (best %.1f)%n",
        flops / raw[rounds / 2] / 1e9, flops / raw[0] / 1e9);
    if (Boolean.getBoolean("javaToo")) {
      int m2 = 512;
      double[] x = rand(rng, m2, m2).values(), y = rand(rng, m2, m2).values();
      double tj = median(() -> {
        double[] c = new double[m2 * m2];
        JavaKernel.gemm(false, false, m2, m2, m2, x, 0, y, 0, c, 0);
        sink += c[0];
      }, 3);
      System.out.printf("java kernel 512x512: %.2f GFLOP/s%n", 2.0 * m2 * m2 * m2 / tj / 1e9);
    }
  }

  static void threads() {
    Random rng = new Random(5);
    int n = 1024;
    Tensor a = rand(rng, n, n), b = rand(rng, n, n);
    for (int w = 0; w < 3; w++) sink += a.matmul(b).values()[0];
    for (int threads : new int[] {1, 2, 4}) {
      int reps = 6;
      Thread[] ts = new Thread[threads];
      long s = System.nanoTime();
      for (int i = 0; i < threads; i++) {
        ts[i] = new Thread(() -> {
          for (int r = 0; r < reps; r++) sink += a.matmul(b).values()[0];
        });
        ts[i].start();
      }
      for (Thread t : ts) {
        try {
          t.join();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      double sec = (System.nanoTime() - s) / 1e9;
      System.out.printf("%d JVM threads x %d products of 1024: aggregate %.1f GFLOP/s%n", threads, reps,
          2.0 * n * n * n * reps * threads / sec / 1e9);
    }
  }
}
