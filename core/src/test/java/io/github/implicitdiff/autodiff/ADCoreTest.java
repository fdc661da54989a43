package io.github.implicitdiff.autodiff;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ADCoreTest {
  @Test
  void gradOfSquareSum() {
    Tensor g = AD.grad(v -> v.square().sum(), Tensor.of(1, 2, 3));
    assertArrayEquals(new double[] {2, 4, 6}, g.toDoubleArray(), 1e-15);
  }

  @Test
  void noPerturbationConfusion() {
    // d/dx [x · (d/dy (x + y))] = 1 at any x
    for (double x0 : new double[] {-2, 0, 0.5, 3}) {
      Tensor d = AD.grad(x -> x.mul(AD.grad(y -> x.add(y), Tensor.scalar(1.0))), Tensor.scalar(x0));
      assertEquals(1.0, d.item(), 0.0);
      Tensor df = AD.jvp(x -> x.mul(AD.jvp(y -> x.add(y), Tensor.scalar(1.0), Tensor.scalar(1.0)).outTangent()),
          Tensor.scalar(x0), Tensor.scalar(1.0)).outTangent();
      assertEquals(1.0, df.item(), 0.0);
    }
  }

  @Test
  void hessianOfCubeSum() {
    Tensor x = Tensor.of(1, -2, 3);
    Tensor h = AD.hessian(v -> v.pow(3).sum(), x);
    double[][] e = {{6, 0, 0}, {0, -12, 0}, {0, 0, 18}};
    assertArrayEquals(e[0], h.row(0).toDoubleArray(), 1e-12);
    assertArrayEquals(e[1], h.row(1).toDoubleArray(), 1e-12);
    assertArrayEquals(e[2], h.row(2).toDoubleArray(), 1e-12);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void logsumexpHessianIsSoftmaxCovariance(long seed) {
    Tensor x = Tensor.randn(new Random(seed), 5);
    Tensor p = x.softmax(0);
    Tensor expected = p.outer(p).neg().add(Tensor.eye(5).mul(p));
    Tensor h = AD.hessian(Tensor::logsumexp, x);
    assertTrue(h.allClose(expected, 1e-12), h + " vs " + expected);
    Tensor h2 = AD.jacobian(v -> AD.grad(Tensor::logsumexp, v), x, AD.Mode.REVERSE);
    assertTrue(h2.allClose(expected, 1e-12), "reverse over reverse");
  }

  @Test
  void matmulGradientMatchesClosedForm() {
    Random rng = new Random(4);
    Tensor a = Tensor.randn(rng, 3, 4), b = Tensor.randn(rng, 4, 2);
    Tensor[] g = AD.gradAll(in -> in[0].matmul(in[1]).sum(), a, b);
    assertTrue(g[0].allClose(Tensor.ones(3, 2).matmul(b.T()), 1e-12));
    assertTrue(g[1].allClose(a.T().matmul(Tensor.ones(3, 2)), 1e-12));
  }

  @Test
  void gradOfNonScalarThrows() {
    ShapeException e = assertThrows(ShapeException.class, () -> AD.grad(v -> v.mul(2), Tensor.of(1, 2)));
    assertTrue(e.getMessage().contains("scalar"));
  }
}
