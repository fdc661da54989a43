package io.github.implicitdiff.perturbation;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Shapes;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * The Monte-Carlo estimator of f_ε(θ) = E[f(θ + εZ)] and of its derivatives, on fixed draws. θ is viewed as B
 * rows of n (B = 1 unless batched), f's output per row as k numbers; the draws Z are (M, B, n), the outputs
 * F[m, b] = f(θ_b + εZ_{m,b}) are (M, B, k). The last θ's outputs are cached, so the value and the derivative
 * rules at one θ call f M times in all.
 *
 * <p>Derivatives (the score-function identity, Berthet et al. 2020, Prop. 3.1): with μ ∝ e^{−ν},
 * f_ε(θ) = ∫ f(u) μ((u − θ)/ε) du / εⁿ, so ∂_θ f_ε = E[f(θ + εZ) ∇ν(Z)ᵀ] / ε. To make derivatives of any order
 * right, the rules are written at a θ that outer differentiations may trace, as derivatives of the
 * likelihood-ratio surrogate s(θ) = (1/M) Σ_m w_m(θ) F_m with u_m = θ₀ + εZ_m fixed and
 * w_m(θ) = μ((u_m − θ)/ε) / μ(Z_m) = exp(ν(Z_m) − ν(ζ_m)), ζ_m = Z_m + (θ₀ − θ)/ε: at θ = θ₀, w = 1 and ζ = Z,
 * ∂w/∂θ = w ∇ν(ζ)/ε (the first-order estimator), and differentiating again gives
 * E[f (∇ν∇νᵀ − ∇²ν)]/ε² (the second-order one), and so on.
 */
final class Estimator {
  private final String name;
  private final BlackBox f;
  private final Perturbation p;
  private volatile Sampled last;

  /** The draws and outputs at one concrete θ; {@code centered} is F − f(θ) under the control variate, else F. */
  record Sampled(double[] theta, int[] shape, int rows, int n, int[] outInner, Tensor z, Tensor nuZ, Tensor out,
      Tensor centered) {}

  Estimator(String name, BlackBox f, Perturbation p) {
    if (f == null) throw new IllegalArgumentException(name + ": the function must not be null");
    if (p == null) throw new IllegalArgumentException(name + ": the perturbation must not be null");
    this.name = name;
    this.f = f;
    this.p = p;
  }

  String name() {
    return name;
  }

  Perturbation perturbation() {
    return p;
  }

  /** The draws and outputs at θ's concrete value (cached for the last θ). */
  Sampled at(Tensor theta) {
    Tensor t0 = theta.concrete();
    Sampled s = last;
    if (s != null && Arrays.equals(s.shape, t0.shape()) && Arrays.equals(s.theta, t0.toDoubleArray())) return s;
    s = sample(t0);
    last = s;
    return s;
  }

  private Sampled sample(Tensor t0) {
    t0.requireFinite(name + ": θ");
    int[] shape = t0.shape();
    if (p.batched() && shape.length == 0)
      throw new ShapeException(name + ": a batched perturbation needs θ with a leading batch dimension, got a scalar");
    int rows = p.batched() ? shape[0] : 1;
    int[] inner = p.batched() ? Arrays.copyOfRange(shape, 1, shape.length) : shape;
    int n = rows == 0 ? 0 : t0.size() / rows, M = p.samples();
    if (rows == 0) throw new ShapeException(name + ": θ has an empty batch dimension (shape " + t0.shapeString() + ")");
    double[] theta = t0.toDoubleArray(), z = draws(M * rows * n, rows * n);
    double[][] outs = new double[M * rows][];
    int[] outInner = null;
    for (int m = 0; m < M; m++)
      for (int b = 0; b < rows; b++) {
        double[] u = new double[n];
        for (int i = 0; i < n; i++) u[i] = theta[b * n + i] + p.sigma() * z[(m * rows + b) * n + i];
        Tensor y = call(Tensor.fromArray(u, inner), "sample " + m + (p.batched() ? " of row " + b : ""), outInner);
        if (outInner == null) outInner = y.shape();
        outs[m * rows + b] = y.toDoubleArray();
      }
    int k = outs[0].length;
    Tensor out = Tensor.fromArray(flatten(outs, k), M, rows, k), centered = out;
    if (p.controlVariate()) {
      double[][] base = new double[rows][];
      for (int b = 0; b < rows; b++)
        base[b] = call(Tensor.fromArray(Arrays.copyOfRange(theta, b * n, (b + 1) * n), inner),
            "the unperturbed θ" + (p.batched() ? " of row " + b : "") + " (control variate)", outInner).toDoubleArray();
      centered = out.sub(Tensor.fromArray(flatten(base, k), rows, k));
    }
    Tensor zt = Tensor.fromArray(z, M, rows, n);
    return new Sampled(theta, shape, rows, n, outInner, zt, p.noise().nu(zt).sum(new int[] {2}, true), out, centered);
  }

  /** f at one concrete point, checked: not traced, finite, of the shape of the first output. */
  private Tensor call(Tensor u, String where, int[] expected) {
    Tensor y = f.apply(u);
    if (y == null) throw new IllegalStateException(name + ": the function returned null at " + where);
    if (y.isTraced())
      throw new IllegalStateException(name + ": the function returned a traced tensor at " + where + ": it closes over a"
          + " tensor that is being differentiated; pass that tensor as θ instead");
    if (expected != null && !Arrays.equals(expected, y.shape()))
      throw new ShapeException(name + ": the function returned shape " + y.shapeString() + " at " + where + " but shape "
          + Shapes.str(expected) + " at sample 0; it must return one shape for inputs of one shape");
    if (!y.allFinite())
      throw new NonFiniteException(name + ": the function returned a non-finite value at " + where + " (input "
          + u + "): the perturbed estimate would be NaN");
    return y;
  }

  /** count standard draws, deterministic in the seed; antithetic: the second half is minus the first. */
  private double[] draws(int count, int perSample) {
    Random rng = new Random(p.seed());
    double[] z = new double[count];
    int fresh = p.antithetic() ? count / 2 : count;
    for (int i = 0; i < fresh; i++) z[i] = p.noise().draw(rng);
    for (int i = fresh; i < count; i++) z[i] = -z[i - fresh];
    return z;
  }

  private static double[] flatten(double[][] rows, int k) {
    double[] d = new double[rows.length * k];
    for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, d, r * k, k);
    return d;
  }

  // ---------------------------------------------------------------- value and derivative rules

  /** f_ε(θ): the mean of the outputs, shape (B, k...) when batched, else f's output shape. */
  Tensor value(Tensor theta) {
    Sampled s = at(theta);
    return s.out.mean(0).reshape(outShape(s));
  }

  /** J(θ)·t = (1/M) Σ_m w_m (F_m − b) ⟨∇ν(ζ_m), t⟩ / ε, written at a θ outer differentiations may trace. */
  Tensor jvp(Tensor theta, Tensor t) {
    Sampled s = at(theta);
    Tensor[] ws = weightAndScore(s, theta);
    Tensor coef = ws[1].mul(t.reshape(s.rows, s.n)).sum(new int[] {2}, true);   // ⟨∇ν(ζ), t⟩, (M, B, 1)
    if (ws[0] != null) coef = coef.mul(ws[0]);
    return s.centered.mul(coef).mean(0).div(p.sigma()).reshape(outShape(s));
  }

  /** gᵀJ(θ) = (1/M) Σ_m w_m ⟨F_m − b, g⟩ ∇ν(ζ_m) / ε, the transpose of {@link #jvp}. */
  Tensor vjp(Tensor theta, Tensor g) {
    Sampled s = at(theta);
    Tensor[] ws = weightAndScore(s, theta);
    Tensor coef = s.centered.mul(g.reshape(s.rows, -1)).sum(new int[] {2}, true);   // ⟨F − b, g⟩, (M, B, 1)
    if (ws[0] != null) coef = coef.mul(ws[0]);
    return ws[1].mul(coef).mean(0).div(p.sigma()).reshape(s.shape);
  }

  /**
   * {w, ∇ν(ζ)} with ζ = Z + (θ₀ − θ)/ε and w = exp(ν(Z) − ν(ζ)) (M, B, 1): both equal {1, ∇ν(Z)} in value and
   * carry θ's outer derivatives; w is null when θ is concrete (no outer derivative to carry).
   */
  private Tensor[] weightAndScore(Sampled s, Tensor theta) {
    if (!theta.isTraced()) return new Tensor[] {null, p.noise().nuGrad(s.z)};
    Tensor x = theta.reshape(s.rows, s.n);
    Tensor zeta = s.z.add(x.concrete().sub(x).div(p.sigma()));
    Tensor w = s.nuZ.sub(p.noise().nu(zeta).sum(new int[] {2}, true)).exp();
    return new Tensor[] {w, p.noise().nuGrad(zeta)};
  }

  /** (B, k...) when batched, else f's output shape. */
  int[] outShape(Sampled s) {
    return p.batched() ? concat(s.rows, s.outInner) : s.outInner;
  }

  private static int[] concat(int first, int[] rest) {
    int[] r = new int[rest.length + 1];
    r[0] = first;
    System.arraycopy(rest, 0, r, 1, rest.length);
    return r;
  }
}
