package io.github.implicitdiff.tensor;

/** The matrix-product kernel: batched C = op(A) op(B) on concrete row-major tensors. */
final class Blas {
  private Blas() {}

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
    double[] c = new double[batch * m * n];
    double[] x = a.values(), y = b.values();
    for (int p = 0; p < batch; p++)
      JavaGemm.gemm(transA, transB, m, n, k, x, p * ra * ca, y, p * rb * cb, c, p * m * n);
    return Tensor.wrap(c, out);
  }
}
