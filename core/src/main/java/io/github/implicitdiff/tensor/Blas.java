package io.github.implicitdiff.tensor;

/**
 * The matrix-product kernel: batched C = op(A) op(B) on concrete row-major tensors, op = identity or
 * transpose, leading (batch) dimensions equal.
 *
 * <p>Matrix-matrix products of at least {@link #NATIVE_MIN_FLOPS} multiply-adds go to OpenBLAS
 * ({@link NativeGemm}); smaller ones, where the native call and the copies off the heap cost more than
 * they save, and every product when OpenBLAS cannot be loaded, run in {@link JavaKernel}.
 */
final class Blas {
  private Blas() {}

  /**
   * Multiply-adds m·n·k from which a product with m, n &gt; 1 is sent to OpenBLAS. Measured with
   * MatmulPerf (test tree) on a 2-core x86-64: with the copies off the heap included, OpenBLAS is faster
   * than {@link JavaKernel} from square size 6–8 on (n = 8: 0.4 µs against 0.5–1.6 µs; n = 16: 0.9 µs
   * against 1.8–5 µs) and slower below (n = 2: 0.7–1.0 µs against 0.45 µs).
   */
  static final long NATIVE_MIN_FLOPS = 512;

  static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
    // A matrix and its cached transpose (Tensor.T()) share one off-heap mirror: Xᵀ·u runs as X with the
    // transpose flag once X has a mirror, so the products with X and X.T() of a solver read the same memory.
    Tensor pa = mirroredPartner(a), pb = mirroredPartner(b);
    if (pa != null) {
      a = pa;
      transA = !transA;
    }
    if (pb != null) {
      b = pb;
      transB = !transB;
    }
    int[] sa = a.shapeRef(), sb = b.shapeRef();
    int nd = sa.length;
    int ra = sa[nd - 2], ca = sa[nd - 1], rb = sb[nd - 2], cb = sb[nd - 1];
    int m = transA ? ca : ra, k = transA ? ra : ca, n = transB ? rb : cb;
    int kb = transB ? cb : rb;
    if (k != kb)
      throw new ShapeException("matmul: inner dimensions differ (" + k + " vs " + kb + ") for shapes "
          + a.shapeString() + " and " + b.shapeString());
    int batch = 1;
    for (int i = 0; i < nd - 2; i++) batch *= sa[i];
    int[] out = sa.clone();
    out[nd - 2] = m;
    out[nd - 1] = n;
    if (batch == 1 && NativeGemm.AVAILABLE && (m == 1) != (n == 1) && (long) m * n * k >= GEMV_MIN_FLOPS) {
      double[] y = nativeGemv(a, b, transA, transB, m, n, ra, ca, rb, cb);
      if (y != null) return Tensor.wrap(y, out);
    }
    if (useNative(m, n, k)) {
      return Tensor.wrap(NativeGemm.gemm(a, b, transA, transB, batch, ra, ca, rb, cb), out);
    }
    double[] c = new double[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
    double[] x = a.values(), y = b.values();
    for (int p = 0; p < batch; p++)
      JavaKernel.gemm(transA, transB, m, n, k, x, p * ra * ca, y, p * rb * cb, c, p * m * n);
    return Tensor.wrap(c, out);
  }

  /** The matrix whose transpose {@code t} is (see {@link Tensor#T()}), when it has an off-heap mirror and t does not. */
  private static Tensor mirroredPartner(Tensor t) {
    Tensor partner = t.transposed;
    if (partner == null || t.nativeMirror instanceof org.bytedeco.javacpp.DoublePointer) return null;
    return partner.nativeMirror instanceof org.bytedeco.javacpp.DoublePointer ? partner : null;
  }

  /**
   * Multiply-adds from which a matrix-vector product whose matrix is reused goes to {@code cblas_dgemv}:
   * measured on a cached mirror, X(1000×200)·v 25 µs against 70–76 µs in Java, X(5000×1000)·v 0.4 ms
   * against 1.9 ms.
   */
  static final long GEMV_MIN_FLOPS = 1L << 14;

  /**
   * A matrix-vector product C = op(A) op(B) with one of m, n equal to 1, through dgemv on the matrix's
   * mirror; null when the matrix has no mirror yet (see {@link NativeGemm#gemvMirror}).
   */
  private static double[] nativeGemv(Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int ra, int ca,
      int rb, int cb) {
    if (n == 1) { // C (m×1) = op(A) v: dgemv on A with A's transpose flag
      var mirror = NativeGemm.gemvMirror(a);
      return mirror == null ? null : NativeGemm.gemv(mirror, transA, ra, ca, b.values());
    }
    // C (1×n) = uᵀ op(B) = (op(B)ᵀ u)ᵀ: dgemv on B with the opposite flag
    var mirror = NativeGemm.gemvMirror(b);
    return mirror == null ? null : NativeGemm.gemv(mirror, !transB, rb, cb, a.values());
  }

  /**
   * Whether a product with these dimensions runs natively. Matrix-vector products (m = 1 or n = 1) stay
   * in Java at every size: they read each matrix element once, so copying the matrix off the heap costs
   * as much as the product, and {@code cblas_dgemm} packs the whole matrix first; measured X(5000×1000)·v:
   * Java 2.5–5.4 ms, OpenBLAS on a cached mirror 12–13 ms.
   */
  static boolean useNative(int m, int n, int k) {
    return NativeGemm.AVAILABLE && m > 1 && n > 1 && (long) m * n * k >= NATIVE_MIN_FLOPS;
  }
}
