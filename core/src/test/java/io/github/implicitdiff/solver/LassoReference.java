package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The lasso ½‖Xw − y‖²/n + λ‖w‖₁ solved by cyclic coordinate descent in plain Java (independent of the
 * library), its closed-form derivatives on the support, and the diabetes data.
 */
record LassoReference(Tensor X, Tensor y) {
  static LassoReference random(long seed, int n, int d) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, n, d);
    Tensor wTrue = Tensor.randn(rng, d);
    return new LassoReference(X, X.matmul(wTrue).add(Tensor.randn(rng, n).mul(0.5)));
  }

  /** The diabetes data (442 × 10, unit-norm centred columns, raw target) from the test resources. */
  static LassoReference diabetes() {
    List<double[]> rows = new ArrayList<>();
    try (var in = LassoReference.class.getResourceAsStream("/diabetes.csv");
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      reader.readLine();
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isBlank()) continue;
        String[] parts = line.split(",");
        double[] r = new double[parts.length];
        for (int i = 0; i < parts.length; i++) r[i] = Double.parseDouble(parts[i]);
        rows.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int n = rows.size(), d = rows.get(0).length - 1;
    double[][] x = new double[n][d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows.get(i), 0, x[i], 0, d);
      y[i] = rows.get(i)[d];
    }
    return new LassoReference(Tensor.of(x), Tensor.of(y));
  }

  int n() {
    return X.dim(0);
  }

  int d() {
    return X.dim(1);
  }

  /** f(w, y) = ½‖Xw − y‖²/n, θ_f = (y). */
  Objective smoothPart() {
    return (w, th) -> X.matmul(w).sub(th[0]).square().sum().mul(0.5 / n());
  }

  /** λ_max = ‖Xᵀy‖∞/n, the smallest λ with solution 0. */
  double lambdaMax() {
    return X.T().matmul(y).div(n()).maxAbs();
  }

  /** The Lipschitz constant of ∇f, λ_max(XᵀX)/n. */
  double lipschitz() {
    Tensor A = X.T().matmul(X).div(n()), v = Tensor.ones(d());
    for (int i = 0; i < 500; i++) v = A.matmul(v).div(A.matmul(v).norm2());
    return v.vdot(A.matmul(v));
  }

  /** Cyclic coordinate descent: w_j ← S(X_jᵀ r_j / n, λ) / (‖X_j‖²/n), until no coordinate moves by 1e-13. */
  Tensor coordinateDescent(double lambda) {
    int n = n(), d = d();
    double[][] x = X.toArray2d();
    double[] yy = y.toDoubleArray(), r = yy.clone(), w = new double[d], colSq = new double[d];
    for (int j = 0; j < d; j++) for (int i = 0; i < n; i++) colSq[j] += x[i][j] * x[i][j] / n;
    for (int sweep = 0; sweep < 200_000; sweep++) {
      double maxChange = 0, scale = 0;
      for (int j = 0; j < d; j++) {
        double rho = 0;
        for (int i = 0; i < n; i++) rho += x[i][j] * (r[i] + x[i][j] * w[j]) / n;
        double next = Math.signum(rho) * Math.max(Math.abs(rho) - lambda, 0) / colSq[j];
        double delta = next - w[j];
        if (delta != 0) for (int i = 0; i < n; i++) r[i] -= x[i][j] * delta;
        w[j] = next;
        maxChange = Math.max(maxChange, Math.abs(delta));
        scale = Math.max(scale, Math.abs(next));
      }
      if (maxChange <= 1e-13 * Math.max(1, scale)) return Tensor.of(w);
    }
    throw new AssertionError("reference coordinate descent did not converge");
  }

  /** On the support S: ∂w_S/∂λ = −(X_SᵀX_S/n)⁻¹ sign(w_S), zero elsewhere. */
  Tensor jacobianLambda(Tensor w) {
    int[] support = support(w);
    Tensor XS = X.take(support, 1);
    Tensor sign = w.take(support, 0).sign();
    Tensor dS = SolverTestSupport.gauss(XS.T().matmul(XS).div(n()), sign).neg();
    double[] out = new double[d()];
    for (int k = 0; k < support.length; k++) out[support[k]] = dS.get(k);
    return Tensor.of(out);
  }

  /** On the support S: ∂w_S/∂y = (X_SᵀX_S)⁻¹ X_Sᵀ, zero rows elsewhere. */
  Tensor jacobianY(Tensor w) {
    int[] support = support(w);
    Tensor XS = X.take(support, 1);
    Tensor dS = SolverTestSupport.gauss(XS.T().matmul(XS), XS.T());
    double[][] out = new double[d()][n()];
    for (int k = 0; k < support.length; k++) out[support[k]] = dS.row(k).toDoubleArray();
    return Tensor.of(out);
  }

  static int[] support(Tensor w) {
    double[] v = w.toDoubleArray();
    return java.util.stream.IntStream.range(0, v.length).filter(i -> Math.abs(v[i]) > 1e-9).toArray();
  }
}
