package io.github.implicitdiff.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * Checks both differentiation modes of a function against the central-difference Jacobian.
 *
 * <p>For f(x_1, …, x_k) with output y it builds J_i[r][c] = (f(x + h e_c) − f(x − h e_c))_r / 2h for
 * every input element c (inputs are small), then checks, elementwise with tolerance
 * {@code tol · (1 + scale)}: the JVP equals Σ_i J_i v_i for random tangents v_i; each VJP equals
 * J_iᵀ u for a random cotangent u; and the two modes agree on ⟨u, J v⟩ to near round-off. The values
 * returned by the traced evaluations must equal f(x) bitwise (tracing never changes a kernel).
 *
 * <pre>{@code
 * GradientCheck.check("exp", in -> in[0].exp(), new Random(1), Tensor.randn(new Random(2), 3, 4));
 * }</pre>
 */
public final class GradientCheck {
  /** Central-difference step; the truncation error h²·f'''/6 and round-off ε·|f|/h are both ~1e-11. */
  public static final double STEP = 1e-5;
  /** Default tolerance: far above the difference error, far below any wrong sign or missing term. */
  public static final double TOL = 1e-6;
  /** Tolerance for the mode-agreement identity ⟨u, J v⟩ (no finite differences involved). */
  public static final double DUALITY_TOL = 1e-11;

  private GradientCheck() {}

  /** {@link #check(String, MultiInputFunction, double, Random, Tensor...)} with the default tolerance. */
  public static void check(String name, MultiInputFunction f, Random rng, Tensor... x) {
    check(name, f, TOL, rng, x);
  }

  /** Checks JVP, VJP and their agreement for f at x against central differences. */
  public static void check(String name, MultiInputFunction f, double tol, Random rng, Tensor... x) {
    Tensor out = f.apply(x);
    double[] y = out.toDoubleArray();
    int m = y.length;
    double[][][] jac = new double[x.length][][];
    for (int i = 0; i < x.length; i++) jac[i] = finiteDifferenceJacobian(f, x, i, m);

    Tensor[] v = new Tensor[x.length];
    for (int i = 0; i < x.length; i++) v[i] = Tensor.randn(rng, x[i].shape());
    Tensor u = Tensor.randn(rng, out.shape());

    // forward mode: J v
    MultiFunction fm = in -> new Tensor[] {f.apply(in)};
    JvpResult jr = AD.jvp(fm, x, v);
    assertArrayEquals(out.shape(), jr.out().shape(), name + ": jvp output shape");
    assertTrue(Arrays.equals(y, jr.out().toDoubleArray()), name + ": jvp value differs from f(x)");
    assertArrayEquals(out.shape(), jr.outTangent().shape(), name + ": tangent shape");
    double[] jv = new double[m];
    for (int i = 0; i < x.length; i++) {
      double[] vi = v[i].toDoubleArray();
      for (int r = 0; r < m; r++) for (int c = 0; c < vi.length; c++) jv[r] += jac[i][r][c] * vi[c];
    }
    assertClose(name + ": jvp vs central differences", jv, jr.outTangent().toDoubleArray(), tol);

    // reverse mode: Jᵀ u for every input
    VjpResult vr = AD.vjp(fm, x);
    assertTrue(Arrays.equals(y, vr.out().toDoubleArray()), name + ": vjp value differs from f(x)");
    Tensor[] w = vr.pullback().apply(u);
    assertEquals(x.length, w.length, name + ": number of cotangents");
    double[] uu = u.toDoubleArray();
    for (int i = 0; i < x.length; i++) {
      assertArrayEquals(x[i].shape(), w[i].shape(), name + ": cotangent shape of input " + i);
      double[] jtu = new double[x[i].size()];
      for (int r = 0; r < m; r++) for (int c = 0; c < jtu.length; c++) jtu[c] += jac[i][r][c] * uu[r];
      assertClose(name + ": vjp of input " + i + " vs central differences", jtu, w[i].toDoubleArray(), tol);
    }

    // the two modes agree: ⟨u, J v⟩ computed forward equals Σ_i ⟨Jᵢᵀ u, v_i⟩ computed in reverse
    double forward = u.vdot(jr.outTangent());
    double reverse = 0, scale = 0;
    for (int i = 0; i < x.length; i++) {
      reverse += w[i].vdot(v[i]);
      scale += w[i].norm2() * v[i].norm2();
    }
    assertEquals(forward, reverse, DUALITY_TOL * (1 + scale), name + ": ⟨u, Jv⟩ forward vs reverse");
  }

  /**
   * Second order: checks x ↦ ∇_x ⟨c, f(x)⟩ (forward-over-reverse and reverse-over-reverse against
   * differences of the gradient) and the pullback u ↦ J(x)ᵀ u (the transposed rules' own rules).
   */
  public static void checkSecondOrder(String name, TensorFunction f, Random rng, Tensor x) {
    Tensor c = Tensor.randn(rng, f.apply(x).shape());
    check(name + " [gradient]", in -> AD.grad(z -> f.apply(z).mul(c).sum(), in[0]), 1e-5, rng, x);
    check(name + " [pullback]", in -> AD.vjp(f, x, in[0]), rng, c);
  }

  /** Columns J[:, c] of the central-difference Jacobian of the output with respect to input i. */
  static double[][] finiteDifferenceJacobian(MultiInputFunction f, Tensor[] x, int i, int m) {
    double[] base = x[i].toDoubleArray();
    int[] shape = x[i].shape();
    double[][] jac = new double[m][base.length];
    for (int c = 0; c < base.length; c++) {
      double[] plus = evaluateWith(f, x, i, shape, base, c, STEP);
      double[] minus = evaluateWith(f, x, i, shape, base, c, -STEP);
      if (plus.length != m) fail("output size changed under perturbation");
      for (int r = 0; r < m; r++) jac[r][c] = (plus[r] - minus[r]) / (2 * STEP);
    }
    return jac;
  }

  private static double[] evaluateWith(MultiInputFunction f, Tensor[] x, int i, int[] shape, double[] base, int c, double h) {
    double[] p = base.clone();
    p[c] += h;
    Tensor[] args = x.clone();
    args[i] = Tensor.fromArray(p, shape);
    return f.apply(args).toDoubleArray();
  }

  /** Elementwise |expected − actual| ≤ tol · (1 + max|expected|). */
  public static void assertClose(String what, double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (double e : expected) scale = Math.max(scale, Math.abs(e));
    double bound = tol * (1 + scale);
    for (int k = 0; k < expected.length; k++)
      if (!(Math.abs(expected[k] - actual[k]) <= bound))
        fail(what + ": element " + k + " expected " + expected[k] + " but was " + actual[k] + " (bound " + bound
            + ")\nexpected " + Arrays.toString(expected) + "\nactual   " + Arrays.toString(actual));
  }

  /** Elementwise closeness of two tensors of equal shape. */
  public static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    assertClose(what, expected.toDoubleArray(), actual.toDoubleArray(), tol);
  }

  /** A shape of the given rank with dimensions drawn from 1..maxDim. */
  public static int[] randomShape(Random rng, int rank, int maxDim) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) s[i] = 1 + rng.nextInt(maxDim);
    return s;
  }

  /** Entries of magnitude in [margin, margin + |N(0,1)|] with random signs: away from kinks at 0. */
  public static Tensor awayFromZero(Random rng, double margin, int... shape) {
    double[] d = Tensor.randn(rng, shape).toDoubleArray();
    for (int k = 0; k < d.length; k++) d[k] = Math.copySign(margin + Math.abs(d[k]), d[k]);
    return Tensor.fromArray(d, shape);
  }

  /** Values on a grid offset by {@code offset} (round(2·N(0,1)) + offset): ties and kinks stay ≥ spacing apart. */
  public static Tensor onGrid(Random rng, double offset, int... shape) {
    double[] d = Tensor.randn(rng, shape).toDoubleArray();
    for (int k = 0; k < d.length; k++) d[k] = Math.rint(2 * d[k]) + offset;
    return Tensor.fromArray(d, shape);
  }

  /** Distinct values: a random permutation of 0.5·(0, 1, …, n−1) plus small noise (for sort/max). */
  public static Tensor distinct(Random rng, int... shape) {
    int n = Tensor.zeros(shape).size();
    double[] d = new double[n];
    for (int k = 0; k < n; k++) d[k] = 0.5 * k + 0.1 * rng.nextDouble() - 0.5 * n / 2.0;
    for (int k = n - 1; k > 0; k--) {
      int j = rng.nextInt(k + 1);
      double t = d[k];
      d[k] = d[j];
      d[j] = t;
    }
    return Tensor.fromArray(d, shape);
  }
}
