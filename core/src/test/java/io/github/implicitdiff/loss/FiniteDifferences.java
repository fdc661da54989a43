package io.github.implicitdiff.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.Tensor;

/** Central finite differences and the comparison of AD gradients against them (test helper). */
final class FiniteDifferences {
  private FiniteDifferences() {}

  static final double STEP = 1e-5;

  /** The full gradient of a scalar f by central differences, one coordinate at a time. */
  static Tensor gradient(TensorFunction f, Tensor x) {
    double[] v = x.toDoubleArray(), g = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double[] plus = v.clone(), minus = v.clone();
      plus[i] += STEP;
      minus[i] -= STEP;
      g[i] = (f.apply(Tensor.fromArray(plus, x.shape())).item() - f.apply(Tensor.fromArray(minus, x.shape())).item())
          / (2 * STEP);
    }
    return Tensor.fromArray(g, x.shape());
  }

  /** Asserts that AD's gradient of f at x equals the central-difference gradient entry by entry. */
  static void assertGradient(TensorFunction f, Tensor x, double tol, String message) {
    assertClose(FiniteDifferences.gradient(f, x), AD.grad(f, x), tol, message);
  }

  /** Entrywise |expected − actual| ≤ tol (1 + |expected|), with shapes equal. */
  static void assertClose(Tensor expected, Tensor actual, double tol, String message) {
    assertEquals(expected.shapeString(), actual.shapeString(), message + ": shape");
    double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++)
      assertEquals(e[i], a[i], tol * (1 + Math.abs(e[i])), message + ": entry " + i);
  }
}
