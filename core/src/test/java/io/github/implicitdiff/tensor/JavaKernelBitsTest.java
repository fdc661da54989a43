package io.github.implicitdiff.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JavaKernel} gives bit for bit the results of {@link JavaKernelReference} (the kernel before its
 * matrix-vector paths took several rows or several p per pass): every remainder of m, n and k, offsets into
 * larger arrays, all four transpose combinations, NaN, infinities, overflow and signed zeros. Values span six
 * orders of magnitude, so that any change in the order of accumulation shows in the last bits.
 */
class JavaKernelBitsTest {
  /** Same raw bits, except that any NaN matches any NaN (the JIT may commute a product's operands, which
   * picks which NaN payload propagates). */
  private static void assertSameBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      if (Double.isNaN(expected[i]) && Double.isNaN(actual[i])) continue;
      if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i]))
        fail(what + ": element " + i + " is " + actual[i] + ", reference " + expected[i]);
    }
  }

  private static double[] values(Random rng, int size) {
    double[] x = new double[size];
    for (int i = 0; i < size; i++) x[i] = rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3);
    return x;
  }

  /**
   * Both kernels on one problem placed at random offsets in larger arrays; C's surroundings hold sentinels
   * that must survive, its block zeros (the kernel's contract).
   */
  private static void check(Random rng, boolean tA, boolean tB, int m, int n, int k, double[] a, double[] b) {
    int ao = a.length - m * k, bo = b.length - k * n, co = rng.nextInt(3);
    double[] c = new double[co + m * n + rng.nextInt(3)];
    for (int i = 0; i < c.length; i++) if (i < co || i >= co + m * n) c[i] = 1e300 * (i + 1);
    double[] expected = c.clone();
    JavaKernelReference.gemm(tA, tB, m, n, k, a, ao, b, bo, expected, co);
    JavaKernel.gemm(tA, tB, m, n, k, a, ao, b, bo, c, co);
    assertSameBits(expected, c, "m=" + m + " n=" + n + " k=" + k + " tA=" + tA + " tB=" + tB + " offsets " + ao + ","
        + bo + "," + co);
  }

  private static void checkRandom(Random rng, boolean tA, boolean tB, int m, int n, int k) {
    double[] a = values(rng, rng.nextInt(4) + m * k), b = values(rng, rng.nextInt(4) + k * n);
    check(rng, tA, tB, m, n, k, a, b);
  }

  /** Every m, n ≤ 9 (and n around the narrow-output switch at 16), every k ≤ 9: all remainders mod 4. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void everySmallShapeInAllTransposeCombinations(long seed) {
    Random rng = new Random(seed);
    for (int m = 1; m <= 9; m++)
      for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 21})
        for (int k = 0; k <= 9; k++)
          for (int t = 0; t < 4; t++) checkRandom(rng, (t & 1) != 0, (t & 2) != 0, m, n, k);
  }

  /**
   * Matrix-vector products (m = 1 or n = 1) of random sizes up to 300, across the row update's blocks (128 p, 256
   * columns): Av, Aᵀv, uᵀA and uᵀAᵀ, with every remainder of the four-row and four-p passes.
   */
  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15})
  void matrixVectorProductsOfRandomSizes(long seed) {
    Random rng = new Random(seed);
    for (int trial = 0; trial < 40; trial++) {
      int rows = 1 + rng.nextInt(rng.nextBoolean() ? 12 : 300), k = rng.nextInt(rng.nextBoolean() ? 12 : 300);
      for (int t = 0; t < 4; t++) {
        boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
        checkRandom(rng, tA, tB, rows, 1, k);
        checkRandom(rng, tA, tB, 1, rows, k);
      }
    }
  }

  /** The benchmark's sizes, and general products (m, n &gt; 1) through the changed dot-product path. */
  @ParameterizedTest
  @ValueSource(longs = {21, 22})
  void benchmarkSizesAndNarrowProducts(long seed) {
    Random rng = new Random(seed);
    int[][] sizes = {{20, 20}, {50, 50}, {100, 20}, {200, 50}, {120, 120}, {1000, 200}};
    for (int[] s : sizes)
      for (int t = 0; t < 4; t++) {
        boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
        checkRandom(rng, tA, tB, s[0], 1, s[1]);
        checkRandom(rng, tA, tB, 1, s[0], s[1]);
      }
    for (int trial = 0; trial < 30; trial++) {
      int m = 1 + rng.nextInt(40), n = 1 + rng.nextInt(20), k = rng.nextInt(150);
      for (int t = 0; t < 4; t++) checkRandom(rng, (t & 1) != 0, (t & 2) != 0, m, n, k);
    }
  }

  /**
   * NaN, ±∞, overflow to ∞, subnormals and signed zeros propagate as in the reference: an all −0 column gives
   * +0 (the sums start from +0), ∞ − ∞ gives NaN, a NaN anywhere in a row or column poisons that output only.
   */
  @ParameterizedTest
  @ValueSource(longs = {31, 32, 33, 34})
  void specialValuesPropagateAsInTheReference(long seed) {
    Random rng = new Random(seed);
    double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e308, -1e308,
        Double.MIN_VALUE, -Double.MIN_VALUE};
    for (int trial = 0; trial < 60; trial++) {
      int rows = 1 + rng.nextInt(11), k = rng.nextInt(11);
      boolean tA = rng.nextBoolean(), tB = rng.nextBoolean(), vectorRight = rng.nextBoolean();
      int m = vectorRight ? rows : 1, n = vectorRight ? 1 : rows;
      double[] a = values(rng, m * k), b = values(rng, k * n);
      for (double[] x : new double[][] {a, b})
        for (int i = 0; i < x.length; i++) if (rng.nextInt(4) == 0) x[i] = specials[rng.nextInt(specials.length)];
      check(rng, tA, tB, m, n, k, a, b);
    }
  }

  @Test
  void negativeZeroProductsSumToPositiveZero() {
    for (int k = 1; k <= 9; k++) {
      double[] a = new double[5 * k], v = new double[k];
      java.util.Arrays.fill(a, -1.0); // every product −1 · 0 = −0
      for (int t = 0; t < 4; t++) {
        boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
        double[] av = new double[5], ua = new double[5];
        JavaKernel.gemm(tA, tB, 5, 1, k, a, 0, v, 0, av, 0);
        JavaKernel.gemm(tA, tB, 1, 5, k, v, 0, a, 0, ua, 0);
        for (int i = 0; i < 5; i++) {
          assertEquals(0L, Double.doubleToRawLongBits(av[i]), "A v, k=" + k + " tA=" + tA + " tB=" + tB);
          assertEquals(0L, Double.doubleToRawLongBits(ua[i]), "uᵀ A, k=" + k + " tA=" + tA + " tB=" + tB);
        }
      }
    }
  }

  /** Through Tensor.matmul and a gradient: X v, Xᵀ u with X.T() cached and Xᵀ g from the reverse rule. */
  @ParameterizedTest
  @ValueSource(longs = {41, 42})
  void tensorProductsBelowTheNativeThresholdsAreTheReferenceBits(long seed) {
    Random rng = new Random(seed);
    int rows = 100, cols = 20; // 2000 multiply-adds: Java at any mirror state
    assertTrue((long) rows * cols < Blas.GEMV_MIN_FLOPS);
    Tensor X = Tensor.wrap(values(rng, rows * cols), rows, cols), v = Tensor.wrap(values(rng, cols), cols);
    Tensor u = Tensor.wrap(values(rng, rows), rows);
    double[] xv = new double[rows], xtu = new double[cols];
    JavaKernelReference.gemm(false, false, rows, 1, cols, X.values(), 0, v.values(), 0, xv, 0);
    JavaKernelReference.gemm(true, false, cols, 1, rows, X.values(), 0, u.values(), 0, xtu, 0);
    assertSameBits(xv, X.matmul(v).values(), "X v");
    // the gradient of u · (X w) in w is Xᵀ u, through the transposed-A rule
    Tensor g = io.github.implicitdiff.autodiff.AD.grad(w -> u.mul(X.matmul(w)).sum(), v);
    assertSameBits(xtu, g.values(), "Xᵀ u by reverse mode");
    // X.T() is a cached row-major copy of Xᵀ: its rows against u, the dot-product path
    double[] xtuDots = new double[cols];
    JavaKernelReference.gemm(false, false, cols, 1, rows, X.T().values(), 0, u.values(), 0, xtuDots, 0);
    assertSameBits(xtuDots, X.T().matmul(u).values(), "X.T() u");
  }
}
