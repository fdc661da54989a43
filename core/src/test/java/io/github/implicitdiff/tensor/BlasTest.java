package io.github.implicitdiff.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast kernels (Java and OpenBLAS, and the dispatcher) against the readable reference {@link JavaGemm}. */
class BlasTest {
  private static final int[] DIMS = {1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 40, 64, 65, 100, 129};

  /** Reference op(A) op(B) per batch element and the elementwise bound 1e-12 · (|op(A)| |op(B)|). */
  private static double[][] reference(boolean tA, boolean tB, int batch, int m, int n, int k, double[] a, double[] b) {
    double[] c = new double[batch * m * n], bound = new double[batch * m * n];
    double[] absA = abs(a), absB = abs(b);
    for (int p = 0; p < batch; p++) {
      JavaGemm.gemm(tA, tB, m, n, k, a, p * m * k, b, p * k * n, c, p * m * n);
      JavaGemm.gemm(tA, tB, m, n, k, absA, p * m * k, absB, p * k * n, bound, p * m * n);
    }
    for (int i = 0; i < bound.length; i++) bound[i] = 1e-12 * bound[i] + 1e-300;
    return new double[][] {c, bound};
  }

  private static double[] abs(double[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) r[i] = Math.abs(x[i]);
    return r;
  }

  private static void assertMatches(double[][] ref, double[] actual, String what) {
    double[] c = ref[0], bound = ref[1];
    assertEquals(c.length, actual.length, what);
    for (int i = 0; i < c.length; i++) {
      if (!(Math.abs(actual[i] - c[i]) <= bound[i]))
        fail(what + ": element " + i + " is " + actual[i] + ", reference " + c[i] + ", bound " + bound[i]);
    }
  }

  private static int pick(Random rng) {
    return DIMS[rng.nextInt(DIMS.length)];
  }

  private static Tensor operand(Random rng, boolean trans, int batch, int rows, int cols) {
    return batch == 0 ? Tensor.randn(rng, trans ? cols : rows, trans ? rows : cols)
        : Tensor.randn(rng, batch, trans ? cols : rows, trans ? rows : cols);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void allKernelsAgreeWithReferenceOnRandomShapes(long seed) {
    Random rng = new Random(seed);
    for (int trial = 0; trial < 12; trial++) {
      int m = pick(rng), n = pick(rng), k = pick(rng);
      for (int t = 0; t < 4; t++) {
        boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
        checkAllKernels(rng, tA, tB, m, n, k);
      }
    }
  }

  @Test
  void degenerateVectorShapesInAllTransposeCombinations() {
    Random rng = new Random(11);
    int[][] shapes = {{1, 1, 1}, {1, 1, 300}, {1, 300, 1}, {300, 1, 1}, {1, 257, 300}, {257, 1, 300},
        {300, 257, 1}, {1000, 1, 700}, {1, 700, 1000}, {500, 10, 100}, {10, 500, 100}, {7, 3, 1000}};
    for (int[] s : shapes)
      for (int t = 0; t < 4; t++) checkAllKernels(rng, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2]);
  }

  @Test
  void sizesAroundTheNativeThreshold() {
    Random rng = new Random(12);
    int cube = (int) Math.round(Math.cbrt(Blas.NATIVE_MIN_FLOPS));
    for (int d = cube - 2; d <= cube + 2; d++)
      for (int t = 0; t < 4; t++) checkAllKernels(rng, (t & 1) != 0, (t & 2) != 0, d, d + 1, d - 1);
    assertFalse(Blas.useNative(2, 2, (int) Blas.NATIVE_MIN_FLOPS / 4 - 1));
    assertEquals(NativeGemm.AVAILABLE, Blas.useNative(2, 2, (int) Blas.NATIVE_MIN_FLOPS / 4));
    // matrix-vector products stay in Java at any size
    assertFalse(Blas.useNative(1, 1000, 1000));
    assertFalse(Blas.useNative(1000, 1, 1000));
  }

  /** Blas.matmul, JavaKernel and (when loaded) NativeGemm on one random problem. */
  private static void checkAllKernels(Random rng, boolean tA, boolean tB, int m, int n, int k) {
    Tensor a = operand(rng, tA, 0, m, k), b = operand(rng, tB, 0, k, n);
    String what = "m=" + m + " n=" + n + " k=" + k + " tA=" + tA + " tB=" + tB;
    double[][] ref = reference(tA, tB, 1, m, n, k, a.values(), b.values());
    Tensor c = Blas.matmul(a, b, tA, tB);
    assertArrayEquals(new int[] {m, n}, c.shape(), what);
    assertMatches(ref, c.values(), "Blas " + what);
    double[] cj = new double[m * n];
    JavaKernel.gemm(tA, tB, m, n, k, a.values(), 0, b.values(), 0, cj, 0);
    assertMatches(ref, cj, "JavaKernel " + what);
    if (NativeGemm.AVAILABLE) {
      int[] sa = a.shape(), sb = b.shape();
      assertMatches(ref, NativeGemm.gemm(a, b, tA, tB, 1, sa[0], sa[1], sb[0], sb[1]), "NativeGemm " + what);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23})
  void batchedProductsOnBothSidesOfTheThreshold(long seed) {
    Random rng = new Random(seed);
    for (int[] s : new int[][] {{3, 2, 3, 4}, {4, 50, 45, 60}, {2, 1, 70, 90}, {5, 65, 1, 33}}) {
      int batch = s[0], m = s[1], n = s[2], k = s[3];
      for (int t = 0; t < 4; t++) {
        boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
        Tensor a = operand(rng, tA, batch, m, k), b = operand(rng, tB, batch, k, n);
        double[][] ref = reference(tA, tB, batch, m, n, k, a.values(), b.values());
        Tensor c = Blas.matmul(a, b, tA, tB);
        assertArrayEquals(new int[] {batch, m, n}, c.shape());
        assertMatches(ref, c.values(), "batched " + batch + "x" + m + "x" + n + "x" + k + " tA=" + tA + " tB=" + tB);
      }
    }
  }

  @Test
  void fourDimensionalBatchThroughTensorMatmul() {
    Random rng = new Random(31);
    Tensor a = Tensor.randn(rng, 2, 3, 40, 50), b = Tensor.randn(rng, 2, 3, 50, 45);
    double[][] ref = reference(false, false, 6, 40, 45, 50, a.values(), b.values());
    Tensor c = a.matmul(b);
    assertArrayEquals(new int[] {2, 3, 40, 45}, c.shape());
    assertMatches(ref, c.values(), "4-d batch");
  }

  @Test
  void reusedInputsGetAMirrorAndKeepGivingTheSameResult() {
    Random rng = new Random(41);
    Tensor a = Tensor.randn(rng, 120, 90), b = Tensor.randn(rng, 90, 70);
    double[][] ref = reference(false, false, 1, 120, 70, 90, a.values(), b.values());
    for (int use = 0; use < 4; use++) {
      assertMatches(ref, Blas.matmul(a, b, false, false).values(), "use " + use);
      // the mirror is made on the third native use, not before
      if (use == 1) assertFalse(a.nativeMirror instanceof DoublePointer);
    }
    if (NativeGemm.AVAILABLE) {
      assertInstanceOf(DoublePointer.class, a.nativeMirror);
      assertInstanceOf(DoublePointer.class, b.nativeMirror);
    }
    // the same tensor on both sides, with a transpose flag: A Aᵀ
    double[][] gram = reference(false, true, 1, 120, 120, 90, a.values(), a.values());
    assertMatches(gram, Blas.matmul(a, a, false, true).values(), "A Aᵀ");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void matrixVectorProductsOfAReusedMatrixGoThroughGemvAndAgree(long seed) {
    Random rng = new Random(seed);
    int rows = 300 + rng.nextInt(50), cols = 150 + rng.nextInt(30);
    Tensor A = Tensor.randn(rng, rows, cols), At = Tensor.randn(rng, cols, rows);
    for (int use = 0; use < 4; use++) { // uses 3 and 4 run on the mirror (dgemv), 1 and 2 in Java
      Tensor v = Tensor.randn(rng, cols, 1), u = Tensor.randn(rng, rows, 1);
      assertMatches(reference(false, false, 1, rows, 1, cols, A.values(), v.values()),
          Blas.matmul(A, v, false, false).values(), "A v, use " + use);
      assertMatches(reference(true, false, 1, cols, 1, rows, A.values(), u.values()),
          Blas.matmul(A, u, true, false).values(), "Aᵀ u, use " + use);
      Tensor w = Tensor.randn(rng, 1, rows);
      assertMatches(reference(false, false, 1, 1, cols, rows, w.values(), A.values()),
          Blas.matmul(w, A, false, false).values(), "wᵀ A, use " + use);
      Tensor z = Tensor.randn(rng, 1, rows);
      assertMatches(reference(false, true, 1, 1, cols, rows, z.values(), At.values()),
          Blas.matmul(z, At, false, true).values(), "zᵀ Atᵀ, use " + use);
    }
    if (NativeGemm.AVAILABLE) assertInstanceOf(DoublePointer.class, A.nativeMirror);
  }

  @Test
  void outputsLargerThanTheRetainedScratchAreCorrect() {
    Random rng = new Random(51);
    int m = 2100, n = 2050; // m·n > NativeGemm.RETAINED_DOUBLES: a one-off buffer, freed after the call
    assertTrue((long) m * n > NativeGemm.RETAINED_DOUBLES);
    Tensor a = Tensor.randn(rng, m, 1), b = Tensor.randn(rng, 1, n);
    double[][] ref = reference(false, false, 1, m, n, 1, a.values(), b.values());
    for (int use = 0; use < 2; use++) assertMatches(ref, Blas.matmul(a, b, false, false).values(), "outer product");
  }

  @Test
  void inputsLargerThanTheRetainedScratchAreMirroredAtOnce() {
    Random rng = new Random(52);
    int m = 2100, k = 2050; // m·k > NativeGemm.RETAINED_DOUBLES
    Tensor a = Tensor.randn(rng, m, k), b = Tensor.randn(rng, m, 3);
    double[][] ref = reference(true, false, 1, k, 3, m, a.values(), b.values());
    assertMatches(ref, Blas.matmul(a, b, true, false).values(), "Aᵀ B, first use");
    if (NativeGemm.AVAILABLE) assertInstanceOf(DoublePointer.class, a.nativeMirror);
    assertMatches(ref, Blas.matmul(a, b, true, false).values(), "Aᵀ B, on the mirror");
  }

  @Test
  void emptyInnerDimensionGivesZeros() {
    Tensor c = Blas.matmul(Tensor.zeros(3, 0), Tensor.zeros(0, 4), false, false);
    assertArrayEquals(new int[] {3, 4}, c.shape());
    assertArrayEquals(new double[12], c.values());
  }

  @Test
  void mismatchedInnerDimensionsThrow() {
    ShapeException e = assertThrows(ShapeException.class,
        () -> Blas.matmul(Tensor.zeros(3, 4), Tensor.zeros(5, 2), false, false));
    assertTrue(e.getMessage().contains("[3, 4]") || e.getMessage().contains("(4 vs 5)"), e.getMessage());
  }

  @Test
  void concurrentProductsFromSeveralThreads() throws Exception {
    Random rng = new Random(61);
    // shared inputs (mirrors raced for) and per-task inputs, on both sides of the threshold
    Tensor sharedA = Tensor.randn(rng, 150, 120), sharedB = Tensor.randn(rng, 120, 80);
    double[][] sharedRef = reference(false, false, 1, 150, 80, 120, sharedA.values(), sharedB.values());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int task = 0; task < 8; task++) {
        long seed = 100 + task;
        futures.add(pool.submit(() -> {
          Random r = new Random(seed);
          for (int rep = 0; rep < 4; rep++) {
            assertMatches(sharedRef, Blas.matmul(sharedA, sharedB, false, false).values(), "shared");
            int m = 1 + r.nextInt(90), n = 1 + r.nextInt(90), k = 1 + r.nextInt(90);
            boolean tA = r.nextBoolean(), tB = r.nextBoolean();
            Tensor a = operand(r, tA, 0, m, k), b = operand(r, tB, 0, k, n);
            assertMatches(reference(tA, tB, 1, m, n, k, a.values(), b.values()),
                Blas.matmul(a, b, tA, tB).values(), "task " + seed);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void productsSplitAcrossThreadsByRowsAndByColumnsAgree() {
    Random rng = new Random(71);
    // above NativeGemm.GEMM_PARALLEL_MIN_FLOPS: m ≥ n splits the rows of C, m < n its columns; odd sizes
    // leave unequal slices
    int[][] shapes = {{301, 45, 199}, {45, 301, 199}, {97, 96, 95}, {9, 513, 64}, {513, 9, 64}};
    for (int[] sh : shapes) {
      assertTrue((long) sh[0] * sh[1] * sh[2] >= NativeGemm.GEMM_PARALLEL_MIN_FLOPS);
      for (int t = 0; t < 4; t++) checkAllKernels(rng, (t & 1) != 0, (t & 2) != 0, sh[0], sh[1], sh[2]);
    }
    for (int t = 0; t < 4; t++) { // batched and split
      boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
      Tensor a = operand(rng, tA, 3, 130, 70), b = operand(rng, tB, 3, 70, 90);
      assertMatches(reference(tA, tB, 3, 130, 90, 70, a.values(), b.values()), Blas.matmul(a, b, tA, tB).values(),
          "batched split tA=" + tA + " tB=" + tB);
    }
  }

  @Test
  void matrixVectorProductsSplitByRowsWithUnequalSlices() {
    Random rng = new Random(72);
    int rows = 1001, cols = 203; // above NativeGemm.GEMV_PARALLEL_MIN_ELEMENTS, rows odd
    assertTrue((long) rows * cols >= NativeGemm.GEMV_PARALLEL_MIN_ELEMENTS);
    Tensor A = Tensor.randn(rng, rows, cols);
    for (int use = 0; use < 5; use++) {
      Tensor v = Tensor.randn(rng, cols, 1), u = Tensor.randn(rng, rows, 1);
      assertMatches(reference(false, false, 1, rows, 1, cols, A.values(), v.values()),
          Blas.matmul(A, v, false, false).values(), "A v, use " + use);
      assertMatches(reference(true, false, 1, cols, 1, rows, A.values(), u.values()),
          Blas.matmul(A, u, true, false).values(), "Aᵀ u, use " + use);
    }
  }

  @Test
  void aMatrixAndItsCachedTransposeShareOneMirror() {
    Random rng = new Random(73);
    Tensor X = Tensor.randn(rng, 400, 90);
    Tensor u = Tensor.randn(rng, 400, 1), v = Tensor.randn(rng, 90, 1);
    for (int use = 0; use < 4; use++) Blas.matmul(X, v, false, false); // X gets its mirror
    Tensor Xt = X.T();
    for (int use = 0; use < 4; use++) {
      assertMatches(reference(true, false, 1, 90, 1, 400, X.values(), u.values()), Blas.matmul(Xt, u, false, false).values(),
          "Xᵀ u through X's mirror, use " + use);
      Tensor G = Tensor.randn(rng, 400, 30);
      assertMatches(reference(true, false, 1, 90, 30, 400, X.values(), G.values()), Blas.matmul(Xt, G, false, false).values(),
          "Xᵀ G through X's mirror, use " + use);
      assertMatches(reference(false, false, 1, 400, 400, 90, X.values(), Xt.values()), Blas.matmul(X, Xt, false, false).values(),
          "X Xᵀ, use " + use);
    }
    if (NativeGemm.AVAILABLE) {
      assertInstanceOf(DoublePointer.class, X.nativeMirror);
      assertFalse(Xt.nativeMirror instanceof DoublePointer, "the transpose made a second off-heap copy");
    }
  }

  @Test
  void resultsDoNotDependOnWhetherThePoolWasFree() throws Exception {
    Random rng = new Random(74);
    Tensor A = Tensor.randn(rng, 700, 300), B = Tensor.randn(rng, 300, 250);
    Tensor u = Tensor.randn(rng, 700, 1);
    for (int use = 0; use < 3; use++) Blas.matmul(A, u, true, false);
    double[] gemv = Blas.matmul(A, u, true, false).values(), gemm = Blas.matmul(A, B, false, false).values();
    // four threads at once: most find the pool busy and run every slice themselves
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<double[][]>> futures = new ArrayList<>();
      for (int task = 0; task < 8; task++)
        futures.add(pool.submit(() -> new double[][] {Blas.matmul(A, u, true, false).values(),
            Blas.matmul(A, B, false, false).values()}));
      for (Future<double[][]> f : futures) {
        double[][] r = f.get(60, TimeUnit.SECONDS);
        assertArrayEquals(gemv, r[0], "Aᵀ u differs bitwise across threads");
        assertArrayEquals(gemm, r[1], "A B differs bitwise across threads");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
