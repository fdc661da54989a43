package io.github.implicitdiff.tensor;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;
import static io.github.implicitdiff.autodiff.GradientCheck.check;
import static io.github.implicitdiff.autodiff.GradientCheck.checkSecondOrder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** matmul with NumPy semantics, dot and outer: values against loops, derivatives against differences. */
class MatMulGradientTest {
  /** (shape of a, shape of b, shape of a @ b). */
  static final int[][][] CASES = {
    {{3, 4}, {4, 2}, {3, 2}},
    {{4}, {4, 2}, {2}},
    {{3, 4}, {4}, {3}},
    {{4}, {4}, {}},
    {{2, 3, 4}, {2, 4, 5}, {2, 3, 5}},
    {{2, 3, 4}, {4, 5}, {2, 3, 5}},
    {{3, 4}, {2, 4, 5}, {2, 3, 5}},
    {{2, 1, 3, 4}, {5, 4, 2}, {2, 5, 3, 2}},
    {{4}, {2, 4, 3}, {2, 3}},
    {{2, 3, 4}, {4}, {2, 3}},
  };

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void matmulCasesMatchLoopsAndDifferences(long seed) {
    Random rng = new Random(seed);
    for (int[][] c : CASES) {
      Tensor a = Tensor.randn(rng, c[0]), b = Tensor.randn(rng, c[1]);
      String name = "matmul " + Shapes.str(c[0]) + " @ " + Shapes.str(c[1]);
      Tensor ab = a.matmul(b);
      assertArrayEquals(c[2], ab.shape(), name + ": shape");
      assertClose(name + ": value", reference(a, b), ab, 1e-13);
      check(name, in -> in[0].matmul(in[1]), rng, a, b);
      check(name + " squared", in -> in[0].matmul(in[1]).square(), rng, a, b);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void dotAndOuter(long seed) {
    Random rng = new Random(seed);
    Tensor u = Tensor.randn(rng, 5), v = Tensor.randn(rng, 5), w = Tensor.randn(rng, 3);
    check("dot", in -> in[0].dot(in[1]), rng, u, v);
    check("dot with itself", in -> in[0].dot(in[0]), rng, u);
    check("outer", in -> in[0].outer(in[1]), rng, u, w);
    assertClose("outer value", reference(u.reshape(5, 1), w.reshape(1, 3)), u.outer(w), 1e-15);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void secondOrderExercisesTheTransposedProducts(long seed) {
    // the VJP of A B is built from products with transposed operands; their own rules are checked here
    Random rng = new Random(seed);
    Tensor a = Tensor.randn(rng, 3, 4), b = Tensor.randn(rng, 4, 2), batch = Tensor.randn(rng, 2, 4, 3);
    checkSecondOrder("A ↦ sin(A B)", m -> m.matmul(b).sin(), rng, a);
    checkSecondOrder("B ↦ sin(A B)", m -> a.matmul(m).sin(), rng, b);
    checkSecondOrder("A ↦ A Aᵀ A", m -> m.matmul(m.T()).matmul(m), rng, a);
    checkSecondOrder("batched X ↦ Xᵀ X", m -> m.mT().matmul(m).tanh(), rng, batch);
    checkSecondOrder("batched broadcast", m -> m.matmul(a).exp(), rng, batch.mT().slice(2, 0, 3));
  }

  /** Loop reference for NumPy matmul: promotes vectors, broadcasts batch dimensions. */
  static Tensor reference(Tensor a, Tensor b) {
    boolean va = a.ndim() == 1, vb = b.ndim() == 1;
    Tensor a2 = va ? a.reshape(1, -1) : a, b2 = vb ? b.reshape(-1, 1) : b;
    int[] sa = a2.shape(), sb = b2.shape();
    int m = sa[sa.length - 2], k = sa[sa.length - 1], n = sb[sb.length - 1];
    int[] batch = Shapes.broadcast("reference", java.util.Arrays.copyOf(sa, sa.length - 2), java.util.Arrays.copyOf(sb, sb.length - 2));
    int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
    outShape[batch.length] = m;
    outShape[batch.length + 1] = n;
    int[] fullA = java.util.Arrays.copyOf(batch, batch.length + 2), fullB = fullA.clone();
    fullA[batch.length] = m;
    fullA[batch.length + 1] = k;
    fullB[batch.length] = k;
    fullB[batch.length + 1] = n;
    double[] x = a2.broadcastTo(fullA).toDoubleArray(), y = b2.broadcastTo(fullB).toDoubleArray();
    int nb = Shapes.size(batch);
    double[] out = new double[nb * m * n];
    for (int p = 0; p < nb; p++)
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int q = 0; q < k; q++) s += x[p * m * k + i * k + q] * y[p * k * n + q * n + j];
          out[p * m * n + i * n + j] = s;
        }
    Tensor r = Tensor.fromArray(out, outShape);
    if (va && vb) return r.reshape();
    if (va) return r.reshape(drop(outShape, outShape.length - 2));
    if (vb) return r.reshape(drop(outShape, outShape.length - 1));
    return r;
  }

  private static int[] drop(int[] s, int axis) {
    int[] r = new int[s.length - 1];
    for (int i = 0, j = 0; i < s.length; i++) if (i != axis) r[j++] = s[i];
    return r;
  }
}
