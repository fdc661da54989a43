package io.github.implicitdiff.tensor;

import java.util.Arrays;

/**
 * Batched matrix product C = op(A) op(B), op = identity or transpose, with matching batch dimensions.
 * Carrying the transposes as flags lets the rules use the BLAS's transposed products instead of copies:
 * for C = A B, dA = G Bᵀ and dB = Aᵀ G.
 */
record MatMul(boolean transA, boolean transB) implements Primitive {
  static final MatMul NN = new MatMul(false, false);

  public String name() { return "matmul"; }

  public Tensor eval(Tensor... x) { return Blas.matmul(x[0], x[1], transA, transB); }

  public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) {
    return i == 0 ? Tensor.apply(this, dxi, x[1]) : Tensor.apply(this, x[0], dxi);
  }

  public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
    if (i == 0) {
      return transA ? Tensor.apply(new MatMul(transB, true), x[1], g) : Tensor.apply(new MatMul(false, !transB), g, x[1]);
    }
    return transB ? Tensor.apply(new MatMul(true, transA), g, x[0]) : Tensor.apply(new MatMul(!transA, false), x[0], g);
  }

  /** NumPy matmul semantics on top of the primitive: vector promotion and batch broadcasting. */
  static Tensor matmul(Tensor a, Tensor b) {
    if (a.ndim() == 0 || b.ndim() == 0)
      throw new ShapeException("matmul: scalars are not allowed, got " + a.shapeString() + " and " + b.shapeString());
    boolean va = a.ndim() == 1, vb = b.ndim() == 1;
    Tensor a2 = va ? a.reshape(1, -1) : a, b2 = vb ? b.reshape(-1, 1) : b;
    int[] sa = a2.shapeRef(), sb = b2.shapeRef();
    int k = sa[sa.length - 1];
    if (sb[sb.length - 2] != k)
      throw new ShapeException("matmul: x " + a.shapeString() + " and y " + b.shapeString()
          + " differ in the inner dimension (" + k + " vs " + sb[sb.length - 2] + ")");
    Tensor r;
    if (sb.length == 2 && sa.length > 2) {
      // (..., m, k) @ (k, n): one product on the flattened batch
      int[] outShape = sa.clone();
      outShape[outShape.length - 1] = sb[1];
      r = Tensor.apply(NN, a2.reshape(-1, k), b2).reshape(outShape);
    } else {
      int[] batchA = Arrays.copyOf(sa, sa.length - 2), batchB = Arrays.copyOf(sb, sb.length - 2);
      int[] batch = Shapes.broadcast("matmul", batchA, batchB);
      a2 = a2.broadcastTo(concat(batch, sa[sa.length - 2], k));
      b2 = b2.broadcastTo(concat(batch, k, sb[sb.length - 1]));
      r = Tensor.apply(NN, a2, b2);
    }
    if (va && vb) return r.reshape();
    if (va) return r.reshape(dropAxis(r.shapeRef(), r.ndim() - 2));
    if (vb) return r.reshape(dropAxis(r.shapeRef(), r.ndim() - 1));
    return r;
  }

  private static int[] concat(int[] batch, int m, int n) {
    int[] s = Arrays.copyOf(batch, batch.length + 2);
    s[batch.length] = m;
    s[batch.length + 1] = n;
    return s;
  }

  private static int[] dropAxis(int[] s, int axis) {
    int[] r = new int[s.length - 1];
    for (int i = 0, j = 0; i < s.length; i++) if (i != axis) r[j++] = s[i];
    return r;
  }
}
