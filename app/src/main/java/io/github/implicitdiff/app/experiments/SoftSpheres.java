package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * N soft disks in a periodic square box of side L (2-D), half of them small with diameter d (the parameter θ),
 * half large with the fixed diameter D. Particle i has diameter d_i = s_i d + (1 − s_i) D (s_i = 1 for a small
 * one), pairs have σ_ij = (d_i + d_j)/2, and the energy is
 * <pre>
 *   E(x, d) = Σ_{i&lt;j} U(r_ij, σ_ij),   U(r, σ) = (ε/α) (1 − r/σ)^α for r &lt; σ, 0 otherwise,       (1)
 *   r_ij = ‖Δ_ij − L·round(Δ_ij / L)‖,   Δ_ij = x_i − x_j                                      (2)
 * </pre>
 * with the minimum-image displacement (2) (round has derivative zero, so ∂r_ij/∂x_i is the unit vector of the
 * wrapped displacement). Positions are unwrapped: x_i and x_i + L e_k are the same particle. The box is set
 * from the packing fraction at the nominal diameter d₀: φ = Σ_i π d_i² / (4 L²).
 *
 * <p>ε = 1 and α = 2 (harmonic repulsion: E is continuously differentiable, its Hessian jumps where a contact
 * opens or closes).
 */
final class SoftSpheres {
  static final double EPSILON = 1, ALPHA = 2;
  private final int n;
  private final double box, large;
  private final int[][] pairs;
  private final Tensor smallMask, fixedDiameters;

  /**
   * @param n the number of disks (first half small)
   * @param box the box side L
   * @param large the large diameter D
   */
  SoftSpheres(int n, double box, double large) {
    this.n = n;
    this.box = box;
    this.large = large;
    int m = n * (n - 1) / 2;
    int[] first = new int[m], second = new int[m];
    int k = 0;
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) {
        first[k] = i;
        second[k++] = j;
      }
    this.pairs = new int[][] {first, second};
    double[] s = new double[n], fixed = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = small(i) ? 1 : 0;
      fixed[i] = small(i) ? 0 : large;
    }
    this.smallMask = Tensor.of(s);
    this.fixedDiameters = Tensor.of(fixed);
  }

  int n() {
    return n;
  }

  double box() {
    return box;
  }

  double large() {
    return large;
  }
  /** The brief's system: diameters d₀ = 1 and D = 1.4 in equal numbers, ε = 1, α = 2, box from φ. */
  static SoftSpheres bidisperse(int n, double phi) {
    if (n < 2 || n % 2 != 0) throw new IllegalArgumentException("SoftSpheres: need an even number of disks ≥ 2, got " + n);
    double large = 1.4, area = n / 2.0 * Math.PI / 4 * (1 + large * large);
    return new SoftSpheres(n, Math.sqrt(area / phi), large);
  }

  /** The packing fraction Σ π d_i² / (4 L²) at small diameter d. */
  double packingFraction(double d) {
    return n / 2.0 * Math.PI / 4 * (d * d + large * large) / (box * box);
  }

  /** Whether particle i is small (the first half). */
  boolean small(int i) {
    return i < n / 2;
  }

  /** The diameters d_i (N) as a function of d (a scalar tensor, possibly traced). */
  Tensor diameters(Tensor d) {
    return smallMask.mul(d).add(fixedDiameters);
  }

  /** E(x, d) of (1) for positions x of shape (N, 2); differentiable in x and d to any order away from contact onsets. */
  Tensor energy(Tensor x, Tensor d) {
    Tensor delta = x.take(pairs[0], 0).sub(x.take(pairs[1], 0));
    delta = delta.sub(delta.div(box).round().mul(box));
    Tensor r = delta.square().sum(1).sqrt();
    Tensor diam = diameters(d);
    Tensor sigma = diam.take(pairs[0], 0).add(diam.take(pairs[1], 0)).mul(0.5);
    return r.div(sigma).rsub(1).relu().pow(ALPHA).sum().mul(EPSILON / ALPHA);
  }

  /** Uniform random positions in [0, L)², shape (N, 2). */
  Tensor randomPositions(Random rng) {
    return Tensor.uniform(rng, 0, box, n, 2);
  }

  /** The minimum-image displacement x_i − x_j (2) of concrete positions, as two numbers. */
  double[] displacement(double[] x, int i, int j) {
    double dx = x[2 * i] - x[2 * j], dy = x[2 * i + 1] - x[2 * j + 1];
    return new double[] {dx - box * Math.rint(dx / box), dy - box * Math.rint(dy / box)};
  }

}
