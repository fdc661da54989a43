package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Projection onto {lo ≤ p ≤ hi, wᵀp = c}. The KKT conditions give p(μ) = clip(x − μw, lo, hi) with
 * the dual variable μ a root of the non-increasing, piecewise-linear φ(μ) = wᵀp(μ) − c.
 *
 * <p>Solve: the breakpoints of φ are μ = (x_i − lo_i)/w_i and (x_i − hi_i)/w_i; a bisection over the
 * sorted breakpoints finds the segment where φ crosses zero (⌈log₂ 2n⌉ + 1 evaluations of φ). On that
 * segment the coordinates split into free F, at-lower L and at-upper U, and wᵀp = c is linear in μ:
 * <pre>
 *   μ = (Σ_F w_i x_i + Σ_L w_i lo_i + Σ_U w_i hi_i − c) / Σ_F w_i²            (1)
 * </pre>
 * Formula (1) and p = where(F, x − μw, where(L, lo, hi)) are evaluated with tensor operations, so the
 * derivative with respect to x, lo, hi, w and c is the implicit derivative of the KKT system with the
 * active set held fixed (exact wherever the active set is locally constant). When Σ_F w_i² = 0 (c at
 * an end of its feasible range or on a flat piece of φ) μ is not unique, p does not depend on μ, and
 * μ carries no derivative.
 */
final class BoxSectionProjection {
  private BoxSectionProjection() {}

  static final String OP = "Projections.boxSection";

  static Tensor project(Tensor x, Tensor lo, Tensor hi, Tensor w, Tensor c) {
    Arguments.vector(OP, "x", x);
    Arguments.finite(OP, "x", x);
    Arguments.finite(OP, "lo", lo);
    Arguments.finite(OP, "hi", hi);
    Arguments.finite(OP, "w", w);
    double cv = Arguments.scalar(OP, "c", c);
    Arguments.broadcastsTo(OP, "lo", lo, x);
    Arguments.broadcastsTo(OP, "hi", hi, x);
    if (!Arrays.equals(w.shape(), x.shape()))
      throw new ShapeException(OP + ": w of shape " + w.shapeString() + " must have x's shape " + x.shapeString());
    int n = x.size();
    double[] xv = x.toDoubleArray(), wv = w.toDoubleArray();
    double[] lv = lo.concrete().broadcastTo(x.shape()).toDoubleArray();
    double[] hv = hi.concrete().broadcastTo(x.shape()).toDoubleArray();
    for (int i = 0; i < n; i++)
      if (lv[i] > hv[i])
        throw new IllegalArgumentException(OP + ": lo[" + i + "] = " + lv[i] + " > hi[" + i + "] = " + hv[i]
            + "; the box is empty");
    if (w.maxAbs() == 0) throw new IllegalArgumentException(OP + ": w is zero; the hyperplane wᵀp = c is undefined");

    // breakpoints of φ, sorted
    double[] breaks = new double[2 * n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (wv[i] == 0) continue;
      breaks[m++] = (xv[i] - lv[i]) / wv[i];
      breaks[m++] = (xv[i] - hv[i]) / wv[i];
    }
    breaks = Arrays.copyOf(breaks, m);
    Arrays.sort(breaks);
    double first = breaks[0], last = breaks[m - 1];
    double phiMax = phi(first, xv, wv, lv, hv) - cv, phiMin = phi(last, xv, wv, lv, hv) - cv;
    double slack = 1e-12 * (1 + Math.abs(cv) + range(wv, lv, hv));
    if (phiMax < -slack || phiMin > slack)
      throw new IllegalArgumentException(OP + ": the set is empty: wᵀp ranges over [" + (phiMin + cv) + ", "
          + (phiMax + cv) + "] on the box but c = " + cv + "; choose c in that range");

    // bisection over breakpoint indices: φ(breaks[a]) ≥ 0 ≥ φ(breaks[b])
    double probe;
    if (phiMax <= 0) probe = first - 1;        // c at (or numerically above) the top of its range
    else if (phiMin >= 0) probe = last + 1;    // c at (or below) the bottom of its range
    else {
      int a = 0, b = m - 1;
      while (b - a > 1) {                       // bounded: the gap halves each time
        int mid = (a + b) >>> 1;
        if (phi(breaks[mid], xv, wv, lv, hv) - cv >= 0) a = mid;
        else b = mid;
      }
      probe = 0.5 * (breaks[a] + breaks[b]);
    }
    // active sets on the open segment containing the root
    double[] free = new double[n], lower = new double[n];
    boolean anyFree = false;
    for (int i = 0; i < n; i++) {
      double z = xv[i] - probe * wv[i];
      if (z <= lv[i]) lower[i] = 1;
      else if (z < hv[i]) {
        free[i] = 1;
        anyFree |= wv[i] != 0;
      }
    }
    Tensor F = Tensor.fromArray(free, n), L = Tensor.fromArray(lower, n);
    Tensor loB = lo.broadcastTo(x.shape()), hiB = hi.broadcastTo(x.shape());
    Tensor bound = Tensor.where(L, loB, hiB);
    Tensor mu;
    if (anyFree) {
      Tensor zero = Tensor.zerosLike(x);
      Tensor numerator = Tensor.where(F, w.mul(x), w.mul(bound)).sum().sub(c.reshape(new int[0]));
      mu = numerator.div(Tensor.where(F, w.square(), zero).sum()); // equation (1)
    } else {
      mu = Tensor.scalar(probe);
    }
    return Tensor.where(F, x.sub(mu.mul(w)), bound);
  }

  /** φ(μ) + c = Σ w_i clip(x_i − μ w_i, lo_i, hi_i). */
  private static double phi(double mu, double[] x, double[] w, double[] lo, double[] hi) {
    double s = 0;
    for (int i = 0; i < x.length; i++) s += w[i] * Math.min(hi[i], Math.max(lo[i], x[i] - mu * w[i]));
    return s;
  }

  private static double range(double[] w, double[] lo, double[] hi) {
    double s = 0;
    for (int i = 0; i < w.length; i++) s += Math.abs(w[i]) * Math.max(Math.abs(lo[i]), Math.abs(hi[i]));
    return s;
  }
}
