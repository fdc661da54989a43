package io.github.implicitdiff.linalg;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearOperatorTest {

  @ParameterizedTest @ValueSource(longs = {1, 2, 3})
  void denseFastProductAgreesWithMatmulAndStaysDifferentiable(long seed) {
    var rng = new Random(seed);
    Tensor a = Tensor.randn(rng, 7, 7), v = Tensor.randn(rng, 7), u = Tensor.randn(rng, 7);
    DenseOperator A = new DenseOperator(a);
    assertTrue(A.apply(v).allClose(a.matmul(v), 1e-13));
    assertTrue(A.applyTranspose(v).allClose(a.T().matmul(v), 1e-13));
    // d/dv uᵀ A v = Aᵀ u: the traced path must still differentiate
    Tensor grad = AD.grad(w -> A.apply(w).dot(u), v);
    assertTrue(grad.allClose(a.T().matmul(u), 1e-12));
  }

  @Test
  void symmetryIsDetectedExactly() {
    assertTrue(new DenseOperator(Tensor.of(new double[][] {{4, 1}, {1, 3}})).isSymmetric());
    assertFalse(new DenseOperator(Tensor.of(new double[][] {{4, 1}, {1.0000001, 3}})).isSymmetric());
  }

  @Test
  void plusIdentityShiftsBothProducts() {
    Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    Tensor v = Tensor.of(1, -1);
    LinearOperator matrixFree = LinearOperator.of(2, a::matmul, w -> a.T().matmul(w), false).plusIdentity(0.5);
    LinearOperator dense = LinearOperator.dense(a).plusIdentity(0.5);
    assertArrayEquals(new double[] {-0.5, -1.5}, matrixFree.apply(v).toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {-1.5, -2.5}, matrixFree.applyTranspose(v).toDoubleArray(), 1e-15);
    assertTrue(dense instanceof DenseOperator);
    assertArrayEquals(new double[] {-0.5, -1.5}, dense.apply(v).toDoubleArray(), 1e-15);
  }

  @Test
  void nonFiniteRidgeThrows() {
    assertThrows(IllegalArgumentException.class, () -> LinearOperator.dense(Tensor.eye(2)).plusIdentity(Double.NaN));
  }

  @Test
  void jacobiWithZeroDiagonalThrows() {
    assertThrows(IllegalArgumentException.class, () -> Preconditioners.jacobi(Tensor.of(1, 0, 2)));
  }
}
