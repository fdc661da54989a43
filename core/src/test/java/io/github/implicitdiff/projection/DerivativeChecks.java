package io.github.implicitdiff.projection;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;

/** Jacobians by central finite differences, and assertions comparing them with both AD modes. */
public final class DerivativeChecks {
  private DerivativeChecks() {}

  /** Central-difference Jacobian, shape out.shape ++ x.shape. */
  public static Tensor finiteDifferenceJacobian(TensorFunction f, Tensor x, double h) {
    double[] x0 = x.toDoubleArray();
    int[] outShape = f.apply(x).shape();
    int m = f.apply(x).size(), n = x0.length;
    double[] J = new double[m * n];
    for (int j = 0; j < n; j++) {
      double[] plus = x0.clone(), minus = x0.clone();
      plus[j] += h;
      minus[j] -= h;
      double[] fp = f.apply(Tensor.fromArray(plus, x.shape())).toDoubleArray();
      double[] fm = f.apply(Tensor.fromArray(minus, x.shape())).toDoubleArray();
      for (int i = 0; i < m; i++) J[i * n + j] = (fp[i] - fm[i]) / (2 * h);
    }
    int[] shape = new int[outShape.length + x.ndim()];
    System.arraycopy(outShape, 0, shape, 0, outShape.length);
    System.arraycopy(x.shape(), 0, shape, outShape.length, x.ndim());
    return Tensor.fromArray(J, shape);
  }

  /** Asserts that the forward and reverse AD Jacobians both match central differences within tol. */
  public static void assertJacobianMatchesFiniteDifferences(TensorFunction f, Tensor x, double tol, String what) {
    Tensor fd = finiteDifferenceJacobian(f, x, 1e-6);
    Tensor forward = AD.jacobian(f, x, AD.Mode.FORWARD);
    Tensor reverse = AD.jacobian(f, x, AD.Mode.REVERSE);
    double scale = Math.max(1, fd.maxAbs());
    assertTrue(forward.allClose(fd, tol * scale), what + ": forward Jacobian " + forward + " vs FD " + fd);
    assertTrue(reverse.allClose(fd, tol * scale), what + ": reverse Jacobian " + reverse + " vs FD " + fd);
  }

  /** Asserts two tensors agree elementwise within tol. */
  public static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
    assertTrue(actual.allClose(expected, tol), what + ": expected " + expected + " but got " + actual);
  }
}
