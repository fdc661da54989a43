package io.github.implicitdiff.tensor;

/**
 * The matrix-product kernel: batched C = op(A) op(B) on concrete row-major tensors, op = identity or
 * transpose, leading (batch) dimensions equal.
 *
 * <p>Products of at least {@link #NATIVE_MIN_FLOPS} multiply-adds per matrix go to OpenBLAS
 * ({@link NativeGemm}); smaller ones, where the native call and the copies off the heap cost more than
 * they save, and every product when OpenBLAS cannot be loaded, run in {@link JavaKernel}.
 */
final class Blas {
  private Blas() {}

  /**
   * Multiply-adds m·n·k from which a single product is sent to OpenBLAS. Measured with MatmulPerf (test
   * tree) on a 2-core x86-64: square products break even near n = 40 (64 000), matrix-vector products
   * near 300×300.
   */
  static final long NATIVE_MIN_FLOPS = 1L << 16;

  static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
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
    if (useNative(m, n, k)) {
      return Tensor.wrap(NativeGemm.gemm(a, b, transA, transB, batch, ra, ca, rb, cb), out);
    }
    double[] c = new double[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
    double[] x = a.values(), y = b.values();
    for (int p = 0; p < batch; p++)
      JavaKernel.gemm(transA, transB, m, n, k, x, p * ra * ca, y, p * rb * cb, c, p * m * n);
    return Tensor.wrap(c, out);
  }

  /** Whether a product with these dimensions runs natively. */
  static boolean useNative(int m, int n, int k) {
    return NativeGemm.AVAILABLE && (long) m * n * k >= NATIVE_MIN_FLOPS;
  }
}
