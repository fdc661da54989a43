package io.github.implicitdiff.autodiff;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reverse mode adds the cotangents of slices and gathers into one buffer per input (tensor.Scatter): the gradients
 * must equal the closed forms, whether an input is read only through slices, through overlapping, strided and
 * repeated ones, or also directly (the buffer then joins the other cotangents), and at second order.
 */
class ScatterAccumulationTest {
  @Test
  void slicesGathersAndDirectUsesOfOneInputAddUp() {
    for (int seed = 0; seed < 5; seed++) {
      Random rng = new Random(seed);
      int n = 12 + seed;
      Tensor v = Tensor.randn(rng, n);
      double[] w = {0.5, -1.5, 2.0, 3.0};
      int[] gather = {1, 1, 4, n - 1};
      // f = w0 Σ v[0:6]² + w1 Σ v[3:n]² (overlapping) + w2 Σ v[0::3]³ (strided) + w3 Σ v[gather] (repeated) + Σ v
      TensorFunction f = x -> x.slice(0, 0, 6).square().sum().mul(w[0])
          .add(x.slice(0, 3, n).square().sum().mul(w[1]))
          .add(x.slice(0, 0, n, 3).pow(3).sum().mul(w[2]))
          .add(x.take(gather, 0).sum().mul(w[3]))
          .add(x.sum());
      double[] x = v.toDoubleArray(), expected = new double[n];
      for (int i = 0; i < n; i++) {
        expected[i] = 1;
        if (i < 6) expected[i] += 2 * w[0] * x[i];
        if (i >= 3) expected[i] += 2 * w[1] * x[i];
        if (i % 3 == 0) expected[i] += 3 * w[2] * x[i] * x[i];
      }
      for (int j : gather) expected[j] += w[3];
      assertClose("gradient, seed " + seed, Tensor.of(expected), AD.grad(f, v), 1e-12);
      // second order: the Hessian of f is diagonal, forward over reverse and reverse over reverse
      double[] h = new double[n];
      for (int i = 0; i < n; i++) {
        if (i < 6) h[i] += 2 * w[0];
        if (i >= 3) h[i] += 2 * w[1];
        if (i % 3 == 0) h[i] += 6 * w[2] * x[i];
      }
      Tensor hessian = AD.hessian(f, v);
      for (int i = 0; i < n; i++) {
        double[] row = new double[n];
        row[i] = h[i];
        int r = i;
        assertClose("hessian row " + i, Tensor.of(row), hessian.row(i), 1e-12);
        assertClose("reverse over reverse row " + i, Tensor.of(row), AD.grad(y -> AD.grad(f, y).index(0, r), v), 1e-12);
      }
    }
  }

  @Test
  void rowsAndColumnsOfAMatrixAndManySlicesOfAVector() {
    Random rng = new Random(3);
    Tensor M = Tensor.randn(rng, 5, 7);
    // rows by index (slice + reshape) and a column block along axis 1, both read twice
    TensorFunction f = A -> {
      Tensor s = Tensor.scalar(0);
      for (int i = 0; i < 5; i++) s = s.add(A.row(i).mul(i + 1).sum());
      return s.add(A.slice(1, 2, 5).square().sum()).add(A.slice(1, 2, 5).sum());
    };
    double[][] a = M.toArray2d(), expected = new double[5][7];
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 7; j++) expected[i][j] = (i + 1) + (j >= 2 && j < 5 ? 2 * a[i][j] + 1 : 0);
    assertClose("matrix", Tensor.of(expected), AD.grad(f, M), 1e-12);
    GradientCheck.check("matrix slices", in -> f.apply(in[0]), rng, M);

    // 500 slices of length 2: the backward pass no longer materializes 500 padded copies
    int L = 500;
    Tensor v = Tensor.randn(rng, 2 * L);
    TensorFunction pieces = x -> {
      Tensor s = Tensor.scalar(0);
      for (int i = 0; i < L; i++) s = s.add(x.slice(0, 2 * i, 2 * i + 2).square().sum().mul(i % 7));
      return s;
    };
    double[] x = v.toDoubleArray(), g = new double[2 * L];
    for (int i = 0; i < 2 * L; i++) g[i] = 2 * ((i / 2) % 7) * x[i];
    assertClose("500 slices", Tensor.of(g), AD.grad(pieces, v), 1e-12);
  }
}
