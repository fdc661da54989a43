package io.github.implicitdiff.linalg;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JacobiEigenTest {
  static Tensor randomSymmetric(Random rng, int n) {
    Tensor S = Tensor.randn(rng, n, n);
    return S.add(S.T()).mul(0.5);
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "2, 2", "3, 5", "4, 20", "5, 60"})
  void reconstructsWithOrthonormalVectorsAndAscendingValues(long seed, int n) {
    Tensor A = randomSymmetric(new Random(seed), n);
    JacobiEigen e = JacobiEigen.of(A);
    double scale = A.norm2();
    assertTrue(e.reconstruct().sub(A).norm2() <= 1e-12 * scale, "reconstruction " + e.reconstruct().sub(A).norm2() / scale);
    Tensor V = e.vectors();
    assertTrue(V.T().matmul(V).sub(Tensor.eye(n)).norm2() <= 1e-12 * n, "orthogonality");
    double[] lam = e.values().toDoubleArray();
    for (int i = 1; i < n; i++) assertTrue(lam[i - 1] <= lam[i], "ascending");
    // A v_i = λ_i v_i, column by column
    assertTrue(A.matmul(V).sub(V.mul(e.values())).norm2() <= 1e-12 * scale, "eigen-equation");
    // the values-only path agrees, and the trace is preserved
    assertArrayEquals(lam, JacobiEigen.eigenvalues(A.toArray2d()), 1e-12 * scale);
    double trace = 0;
    for (int i = 0; i < n; i++) trace += A.get(i, i);
    assertEquals(trace, e.values().sum().item(), 1e-12 * n * scale);
  }

  @Test
  void repeatedEigenvaluesAndDiagonalInput() {
    Tensor Q = JacobiEigen.of(randomSymmetric(new Random(7), 4)).vectors();
    Tensor A = Q.mul(Tensor.of(-1, 2, 2, 2)).matmul(Q.T());
    JacobiEigen e = JacobiEigen.of(A);
    assertArrayEquals(new double[] {-1, 2, 2, 2}, e.values().toDoubleArray(), 1e-13);
    assertTrue(e.reconstruct().sub(A).norm2() < 1e-13);
    assertTrue(e.vectors().T().matmul(e.vectors()).sub(Tensor.eye(4)).norm2() < 1e-13);
    JacobiEigen d = JacobiEigen.of(Tensor.of(new double[][] {{3, 0}, {0, -5}}));
    assertArrayEquals(new double[] {-5, 3}, d.values().toDoubleArray(), 0);
  }

  @Test
  void badInputIsNamed() {
    var e1 = assertThrows(IllegalArgumentException.class, () -> JacobiEigen.of(Tensor.zeros(2, 3)));
    assertTrue(e1.getMessage().contains("square"), e1.getMessage());
    var e2 = assertThrows(RuntimeException.class, () -> JacobiEigen.of(Tensor.of(new double[][] {{1, Double.NaN}, {Double.NaN, 1}})));
    assertTrue(e2.getMessage().contains("finite"), e2.getMessage());
  }
}
