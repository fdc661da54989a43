package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Euclidean projections proj_C(x) = argmin_{p ∈ C} ½‖p − x‖² onto common convex sets (and two
 * spheres), written in tensor operations so that they differentiate in x and in the set's parameters
 * (radius, bounds, size), which are always explicit arguments.
 *
 * <p>Projections are piecewise smooth. At a kink (an element exactly at a bound, tied with a threshold)
 * the derivative is one element of the generalized Jacobian, chosen by the convention stated on each
 * method; {@link #simplexDegeneracy} and {@link #boxDegeneracy} report whether an input is at a kink.
 * Every method validates its inputs: non-finite values → {@code NonFiniteException}, incompatible shapes
 * → {@code ShapeException}, empty or ill-defined sets (negative radius, lo &gt; hi, s ≤ 0) →
 * {@code IllegalArgumentException}.
 */
public final class Projections {
  private Projections() {}

  // ---------------------------------------------------------------- orthant and boxes

  /**
   * Non-negative orthant: argmin_{p ≥ 0} ‖p − x‖² = max(x, 0).
   * <pre>{@code
   * Projections.nonNegative(Tensor.of(-1, 2));   // [0, 2]
   * }</pre>
   * At x_i = 0 the derivative is 0 (the constraint is treated as active).
   */
  public static Tensor nonNegative(Tensor x) {
    Arguments.finite("Projections.nonNegative", "x", x);
    return Tensor.where(x.gt(0), x, Tensor.zerosLike(x));
  }

  /**
   * Box: argmin_{lo ≤ p ≤ hi} ‖p − x‖² = clip(x, lo, hi), lo and hi broadcast against x.
   * <pre>{@code
   * Projections.box(Tensor.of(-2, 0.5, 3), Tensor.scalar(0), Tensor.of(1, 1, 2));   // [0, 0.5, 2]
   * }</pre>
   * At x_i = lo_i or x_i = hi_i the bound is treated as active: ∂p_i/∂x_i = 0 and the derivative flows
   * to the bound. Differentiable in x, lo and hi. A bound may be infinite (−∞ for lo, +∞ for hi: that side
   * is unbounded); NaN bounds are rejected.
   *
   * @throws IllegalArgumentException if some lo_i &gt; hi_i
   */
  public static Tensor box(Tensor x, Tensor lo, Tensor hi) {
    String op = "Projections.box";
    checkBox(op, x, lo, hi);
    Tensor inside = x.gt(lo).mul(x.lt(hi));
    return Tensor.where(inside, x, Tensor.where(x.le(lo), lo, hi).broadcastTo(x.shape()));
  }

  /** {@link #box(Tensor, Tensor, Tensor)} with scalar bounds. */
  public static Tensor box(Tensor x, double lo, double hi) {
    return box(x, Tensor.scalar(lo), Tensor.scalar(hi));
  }

  /**
   * Unit hypercube [0, 1]ⁿ: clip(x, 0, 1).
   * <pre>{@code
   * Projections.hypercube(Tensor.of(-1, 0.3, 7));   // [0, 0.3, 1]
   * }</pre>
   * Same convention at the faces as {@link #box(Tensor, Tensor, Tensor)}.
   */
  public static Tensor hypercube(Tensor x) {
    return box(x, 0, 1);
  }

  /**
   * Number of coordinates of x within {@code tolerance} of lo or hi (kinks of the box projection).
   * <pre>{@code
   * Projections.boxDegeneracy(Tensor.of(0, 0.5), Tensor.scalar(0), Tensor.scalar(1), 1e-12).ties();   // 1
   * }</pre>
   */
  public static Degeneracy boxDegeneracy(Tensor x, Tensor lo, Tensor hi, double tolerance) {
    String op = "Projections.boxDegeneracy";
    checkBox(op, x, lo, hi);
    Arguments.tolerance(op, tolerance);
    Tensor xc = x.concrete();
    Tensor atBound = xc.sub(lo.concrete()).abs().le(tolerance).add(xc.sub(hi.concrete()).abs().le(tolerance)).gt(0);
    return Degeneracy.fromMask(atBound.broadcastTo(x.shape()), tolerance);
  }

  private static void checkBox(String op, Tensor x, Tensor lo, Tensor hi) {
    Arguments.finite(op, "x", x);
    Arguments.notNaN(op, "lo", lo);
    Arguments.notNaN(op, "hi", hi);
    Arguments.broadcastsTo(op, "lo", lo, x);
    Arguments.broadcastsTo(op, "hi", hi, x);
    Tensor bad = lo.gt(hi);
    if (bad.sum().item() > 0) {
      double[] l = lo.concrete().broadcastTo(x.shape()).toDoubleArray(), h = hi.concrete().broadcastTo(x.shape()).toDoubleArray();
      for (int i = 0; i < l.length; i++)
        if (l[i] > h[i])
          throw new IllegalArgumentException(op + ": lo > hi at flat index " + i + " (" + l[i] + " > " + h[i]
              + "); the box is empty");
    }
  }

  // ---------------------------------------------------------------- simplex and ℓ1

  /**
   * Simplex of size s along the last axis: argmin_{p ≥ 0, Σp = s} ‖p − x‖², i.e. p = max(x − τ, 0) with
   * the threshold τ chosen so that Σp = s (sort-based, O(n log n) per row).
   * <pre>{@code
   * Projections.simplex(Tensor.of(0.5, -1, 2), Tensor.scalar(1));   // [0, 0, 1]
   * Projections.simplex(Tensor.of(0.3, 0.4), Tensor.scalar(1));     // [0.45, 0.55]
   * }</pre>
   * The Jacobian in x is I − 11ᵀ/|S| on the support S = {i : x_i &gt; τ} and zero elsewhere; ∂p/∂s is
   * 1/|S| on S. An element tied with τ (see {@link #simplexDegeneracy}) is left out of S.
   *
   * @param x a tensor with at least one dimension; each row along the last axis is projected
   * @param s the size: a scalar, or one value per row (x's shape without its last axis), all &gt; 0
   */
  public static Tensor simplex(Tensor x, Tensor s) {
    String op = "Projections.simplex";
    requirePositive(op, s);
    return SimplexProjection.project(op, x, s);
  }

  /** The probability simplex, {@code simplex(x, 1)}. */
  public static Tensor simplex(Tensor x) {
    return simplex(x, Tensor.scalar(1));
  }

  /**
   * Sparsemax: the projection of each row of x (last axis) onto the probability simplex, a sparse
   * alternative to softmax.
   * <pre>{@code
   * Projections.sparsemax(Tensor.of(1, 1.5, 0));   // [0.25, 0.75, 0]
   * }</pre>
   */
  public static Tensor sparsemax(Tensor x) {
    return simplex(x, Tensor.scalar(1));
  }

  /**
   * Ties of the simplex projection: coordinates with |x_i − τ| ≤ tolerance, where the projection is
   * not differentiable.
   * <pre>{@code
   * Projections.simplexDegeneracy(Tensor.of(0.5, 0.5, 0), Tensor.scalar(1), 1e-12).ties();   // 1 (τ = 0)
   * }</pre>
   */
  public static Degeneracy simplexDegeneracy(Tensor x, Tensor s, double tolerance) {
    String op = "Projections.simplexDegeneracy";
    requirePositive(op, s);
    return SimplexProjection.degeneracy(op, x, s, tolerance);
  }

  /** {@link #simplexDegeneracy(Tensor, Tensor, double)} with tolerance 1e-12 · max(1, max|x|). */
  public static Degeneracy simplexDegeneracy(Tensor x, Tensor s) {
    Arguments.finite("Projections.simplexDegeneracy", "x", x);
    return simplexDegeneracy(x, s, 1e-12 * Math.max(1, x.maxAbs()));
  }

  /**
   * ℓ1 ball: argmin_{‖p‖₁ ≤ r} ‖p − x‖² over all elements of x. Inside the ball p = x; outside
   * p = σ ⊙ simplex(σ ⊙ x, r) with σ = sign(x) (taken +1 at 0).
   * <pre>{@code
   * Projections.l1Ball(Tensor.of(2, -1), Tensor.scalar(1));   // [1, 0]
   * }</pre>
   * On the sphere ‖x‖₁ = r the interior branch is used (derivative I in x, 0 in r). With r = 0 the
   * result is 0 and ∂p/∂r is the one-sided derivative as r → 0⁺.
   *
   * @throws IllegalArgumentException if r &lt; 0
   */
  public static Tensor l1Ball(Tensor x, Tensor radius) {
    String op = "Projections.l1Ball";
    Arguments.finite(op, "x", x);
    double r = Arguments.nonNegative(op, "radius", radius);
    if (x.concrete().norm1().item() <= r) return x;
    return signedSimplex(op, x, radius);
  }

  /**
   * Kinks of {@link #l1Ball}: with τ the multiplier of ‖p‖₁ ≤ r (the simplex threshold of |x| at size r, taken
   * signed: τ = (‖x‖₁ − r)/n &lt; 0 inside the ball), the radius constraint is weakly active when |τ| ≤ tolerance
   * (x on the sphere with a zero multiplier), and coordinate i is at a kink when the constraint is active or
   * weakly active (τ ≥ −tolerance) and ||x_i| − max(τ, 0)| ≤ tolerance (p_i = 0 with a zero multiplier of its
   * sign constraint). The result inspects n + 1 entries: the n flat coordinates of x, then the radius constraint
   * at index n. Strictly inside the ball nothing is degenerate.
   * <pre>{@code
   * Projections.l1BallDegeneracy(Tensor.of(0.8, -0.6, 0.2), Tensor.scalar(1), 1e-12).indices();   // [2]: |x_2| = τ = 0.2
   * Projections.l1BallDegeneracy(Tensor.of(0.6, 0, -0.4), Tensor.scalar(1), 1e-12).indices();     // [1, 3]: on the sphere
   * }</pre>
   *
   * @throws IllegalArgumentException if r &lt; 0 or the tolerance is negative
   */
  public static Degeneracy l1BallDegeneracy(Tensor x, Tensor radius, double tolerance) {
    String op = "Projections.l1BallDegeneracy";
    Arguments.finite(op, "x", x);
    Arguments.nonNegative(op, "radius", radius);
    Arguments.tolerance(op, tolerance);
    Arguments.atLeastVector(op, x);
    double[] magnitude = x.concrete().flatten().abs().toDoubleArray();
    int n = magnitude.length;
    double tau = SimplexProjection.threshold(op, Tensor.of(magnitude), radius.concrete().reshape(new int[0])).item();
    java.util.List<Integer> at = new java.util.ArrayList<>();
    if (tau >= -tolerance) {
      double threshold = Math.max(tau, 0);
      for (int i = 0; i < n; i++) if (Math.abs(magnitude[i] - threshold) <= tolerance) at.add(i);
      if (Math.abs(tau) <= tolerance) at.add(n);
    }
    return new Degeneracy(at, n + 1, tolerance);
  }

  /**
   * ℓ1 sphere (not convex): a nearest point of {‖p‖₁ = r}, p = σ ⊙ simplex(σ ⊙ x, r), σ = sign(x)
   * taken +1 at 0. Points inside the ball are pushed out to the sphere.
   * <pre>{@code
   * Projections.l1Sphere(Tensor.of(0.2, -0.2), Tensor.scalar(1));   // [0.5, -0.5]
   * }</pre>
   * At x = 0 every sign pattern is nearest; the positive orthant is chosen, p = r/n · 1.
   *
   * @throws IllegalArgumentException if r &lt; 0
   */
  public static Tensor l1Sphere(Tensor x, Tensor radius) {
    String op = "Projections.l1Sphere";
    Arguments.finite(op, "x", x);
    Arguments.nonNegative(op, "radius", radius);
    return signedSimplex(op, x, radius);
  }

  private static Tensor signedSimplex(String op, Tensor x, Tensor radius) {
    Arguments.atLeastVector(op, x);
    Tensor flat = x.flatten();
    Tensor sigma = Tensor.where(flat.ge(0), Tensor.ones(flat.size()), Tensor.full(-1, flat.size()));
    return sigma.mul(SimplexProjection.project(op, sigma.mul(flat), radius.reshape(new int[0]))).reshape(x.shape());
  }

  private static void requirePositive(String op, Tensor s) {
    Arguments.finite(op, "s", s);
    for (double v : s.toDoubleArray())
      if (!(v > 0)) throw new IllegalArgumentException(op + ": the size s must be positive, got " + v);
  }

  // ---------------------------------------------------------------- ℓ2 and ℓ∞

  /**
   * ℓ2 ball: argmin_{‖p‖₂ ≤ r} ‖p − x‖² = x · min(1, r/‖x‖) over all elements.
   * <pre>{@code
   * Projections.l2Ball(Tensor.of(3, 4), Tensor.scalar(1));   // [0.6, 0.8]
   * }</pre>
   * On the sphere ‖x‖ = r the interior branch is used (derivative I in x, 0 in r).
   *
   * @throws IllegalArgumentException if r &lt; 0
   */
  public static Tensor l2Ball(Tensor x, Tensor radius) {
    String op = "Projections.l2Ball";
    Arguments.finite(op, "x", x);
    double r = Arguments.nonNegative(op, "radius", radius);
    if (x.norm2() <= r) return x;
    return x.mul(radius.reshape(new int[0])).div(x.norm());
  }

  /**
   * ℓ2 sphere (not convex): r x/‖x‖, the nearest point of {‖p‖₂ = r}.
   * <pre>{@code
   * Projections.l2Sphere(Tensor.of(0, 2), Tensor.scalar(3));   // [0, 3]
   * }</pre>
   * At x = 0 every point of the sphere is nearest; r·e₁ (first element) is returned, with zero
   * derivative in x.
   *
   * @throws IllegalArgumentException if r &lt; 0
   */
  public static Tensor l2Sphere(Tensor x, Tensor radius) {
    String op = "Projections.l2Sphere";
    Arguments.finite(op, "x", x);
    Arguments.nonNegative(op, "radius", radius);
    if (x.size() == 0)
      throw new ShapeException(op + ": x of shape " + x.shapeString() + " is empty; the sphere has no point with zero"
          + " coordinates");
    Tensor r = radius.reshape(new int[0]);
    if (x.norm2() == 0) {
      double[] e = new double[x.size()];
      if (e.length > 0) e[0] = 1;
      return Tensor.fromArray(e, x.shape()).mul(r);
    }
    return x.mul(r).div(x.norm());
  }

  /**
   * ℓ∞ ball: argmin_{‖p‖_∞ ≤ r} ‖p − x‖² = clip(x, −r, r).
   * <pre>{@code
   * Projections.linfBall(Tensor.of(3, -0.5), Tensor.scalar(1));   // [1, -0.5]
   * }</pre>
   * Same convention at the faces as {@link #box(Tensor, Tensor, Tensor)}.
   *
   * @throws IllegalArgumentException if r &lt; 0
   */
  public static Tensor linfBall(Tensor x, Tensor radius) {
    Arguments.nonNegative("Projections.linfBall", "radius", radius);
    Tensor r = radius.reshape(new int[0]);
    return box(x, r.neg(), r);
  }

  // ---------------------------------------------------------------- cones

  /**
   * Second-order (Lorentz) cone K = {(x, t) : ‖x‖₂ ≤ t}: each row of z along the last axis is (x, t), t its last
   * element (leading axes are a batch of independent cones, as for {@link #simplex}). Closed form:
   * <pre>
   *   ‖x‖ &lt; t  →  (x, t);   ‖x‖ ≤ −t  →  0;   otherwise  ((‖x‖ + t)/(2‖x‖)) (x, ‖x‖)
   * </pre>
   * <pre>{@code
   * Projections.secondOrderCone(Tensor.of(3, 4, 1));    // ‖x‖ = 5 > 1: [1.8, 2.4, 3]
   * Projections.secondOrderCone(Tensor.of(3, 4, -6));   // in the polar cone: [0, 0, 0]
   * Tensor J = AD.jacobian(Projections::secondOrderCone, Tensor.of(3, 4, 1));   // both modes, any order
   * }</pre>
   * Kinks (see {@link #secondOrderConeDegeneracy}): the constraint is treated as active, the derivative being the
   * one-sided limit from outside K: on the boundary ‖x‖ = t &gt; 0 the third branch's Jacobian, on ‖x‖ = −t and at
   * the apex (0, 0) zero. With one element per row this is {@link #nonNegative}, with its convention.
   *
   * @param z a tensor with at least one dimension and a non-empty last axis
   */
  public static Tensor secondOrderCone(Tensor z) {
    return SecondOrderCone.project("Projections.secondOrderCone", z);
  }

  /**
   * Rows of z at a kink of {@link #secondOrderCone}: |‖x‖ − |t|| ≤ tolerance (the boundary of K or of its polar
   * cone, the apex included); the result inspects one entry per row (flat index over the leading axes).
   * <pre>{@code
   * Projections.secondOrderConeDegeneracy(Tensor.of(3, 4, 5), 1e-12).indices();   // [0]: on the boundary
   * }</pre>
   */
  public static Degeneracy secondOrderConeDegeneracy(Tensor z, double tolerance) {
    return SecondOrderCone.degeneracy("Projections.secondOrderConeDegeneracy", z, tolerance);
  }

  /**
   * Positive semidefinite cone of symmetric n×n matrices: P(A) = V max(Λ, 0) Vᵀ for A = V Λ Vᵀ (eigendecomposition by
   * {@link io.github.implicitdiff.linalg.SymmetricEigen}: Householder tridiagonalization and implicit QR, O(n³),
   * measured about 0.25, 1.6, 11 and 85 ms at n = 50, 100, 200, 400).
   * <pre>{@code
   * Tensor P = Projections.psd(Tensor.of(new double[][] {{1, 2}, {2, 1}}));   // [[1.5, 1.5], [1.5, 1.5]]
   * Tensor G = AD.grad(a -> Projections.psd(a).mul(W).sum(), A);              // W symmetric
   * }</pre>
   * Differentiable in both modes by the Daleckii–Krein formula dP = V (Γ ∘ (Vᵀ dA V)) Vᵀ with
   * Γ_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j), f'(λ_i) when λ_i = λ_j, f = max(·, 0): finite with repeated eigenvalues
   * (no eigenvector derivatives are formed). Second derivatives (Hessians, Hessian-vector products, either nesting)
   * use the second divided differences of f; derivatives of order three and above in A throw
   * {@code UnsupportedOperationException}. The function differentiated is P(sym(A)), sym(A) = (A + Aᵀ)/2: a
   * non-symmetric direction counts through its symmetric part, so the gradient is symmetric.
   * Convention at a zero eigenvalue: f'(0) = 0 (the eigen-direction is clipped, the constraint active, as
   * {@link #nonNegative} at 0); {@link #psdDegeneracy} reports such eigenvalues.
   *
   * @throws IllegalArgumentException if A is not symmetric: some |A_ij − A_ji| &gt; 1e-10 · max|A|
   * @throws io.github.implicitdiff.tensor.NonFiniteException if A holds NaN or an infinity
   * @throws ShapeException if A is not a square matrix
   */
  public static Tensor psd(Tensor A) {
    return PsdCone.project("Projections.psd", A);
  }

  /**
   * Eigenvalues of A at the kink of {@link #psd}: |λ_i| ≤ tolerance, as indices into the eigenvalues sorted in
   * ascending order (the result inspects n entries).
   * <pre>{@code
   * Projections.psdDegeneracy(Tensor.of(new double[][] {{1, 1}, {1, 1}}), 1e-12).indices();   // [0]: λ = (0, 2)
   * }</pre>
   */
  public static Degeneracy psdDegeneracy(Tensor A, double tolerance) {
    return PsdCone.degeneracy("Projections.psdDegeneracy", A, tolerance);
  }

  // ---------------------------------------------------------------- affine sets

  /**
   * Hyperplane: argmin_{⟨a, p⟩ = b} ‖p − x‖² = x − (⟨a, x⟩ − b) a/‖a‖² (a has x's shape).
   * <pre>{@code
   * Projections.hyperplane(Tensor.of(1, 1), Tensor.of(1, 0), Tensor.scalar(0));   // [0, 1]
   * }</pre>
   * Smooth everywhere; differentiable in x, a and b.
   *
   * @throws IllegalArgumentException if a = 0
   */
  public static Tensor hyperplane(Tensor x, Tensor a, Tensor b) {
    String op = "Projections.hyperplane";
    checkHyperplane(op, x, a, b);
    return x.sub(a.mul(a.mul(x).sum().sub(b.reshape(new int[0])).div(a.square().sum())));
  }

  /**
   * Halfspace: argmin_{⟨a, p⟩ ≤ b} ‖p − x‖² = x − max(⟨a, x⟩ − b, 0) a/‖a‖².
   * <pre>{@code
   * Projections.halfspace(Tensor.of(2, 1), Tensor.of(1, 0), Tensor.scalar(1));   // [1, 1]
   * }</pre>
   * On the boundary ⟨a, x⟩ = b the interior branch is used (derivative I in x, 0 in a and b).
   *
   * @throws IllegalArgumentException if a = 0
   */
  public static Tensor halfspace(Tensor x, Tensor a, Tensor b) {
    String op = "Projections.halfspace";
    checkHyperplane(op, x, a, b);
    if (a.vdot(x) <= b.item()) return x;
    return hyperplane(x, a, b);
  }

  private static void checkHyperplane(String op, Tensor x, Tensor a, Tensor b) {
    Arguments.finite(op, "x", x);
    Arguments.finite(op, "a", a);
    Arguments.scalar(op, "b", b);
    if (!Arrays.equals(a.shape(), x.shape()))
      throw new ShapeException(op + ": a of shape " + a.shapeString() + " must have x's shape " + x.shapeString());
    // ‖a‖² = 0 also when a is nonzero but so small that its square underflows: the formula would divide by 0
    if (a.vdot(a) == 0)
      throw new IllegalArgumentException(op + ": ‖a‖² = 0 (a is zero, or so small that ‖a‖² underflows, max |a_i| = "
          + a.maxAbs() + "); the hyperplane ⟨a, p⟩ = b is undefined; rescale a and b");
  }

  /**
   * Affine set: argmin_{Ap = b} ‖p − x‖² = x − Aᵀ(AAᵀ)⁻¹(Ax − b), for A (m×n) of full row rank.
   * <pre>{@code
   * Projections.affineSet(Tensor.of(1, 2, 3), Tensor.of(new double[][] {{1, 1, 1}}), Tensor.of(0));   // [-1, 0, 1]
   * }</pre>
   * The m×m system is solved densely with differentiation rules, so p is differentiable in x, A and b.
   *
   * @throws io.github.implicitdiff.linalg.SingularMatrixException if A does not have full row rank
   */
  public static Tensor affineSet(Tensor x, Tensor A, Tensor b) {
    String op = "Projections.affineSet";
    Arguments.finite(op, "x", x);
    Arguments.finite(op, "A", A);
    Arguments.finite(op, "b", b);
    Arguments.vector(op, "x", x);
    Arguments.vector(op, "b", b);
    if (A.ndim() != 2 || A.dim(1) != x.dim(0) || A.dim(0) != b.dim(0))
      throw new ShapeException(op + ": A " + A.shapeString() + " must be (m, n) for x " + x.shapeString() + " and b "
          + b.shapeString());
    Tensor residual = A.matmul(x).sub(b);
    return x.sub(A.T().matmul(io.github.implicitdiff.linalg.DenseSolve.solve(A.matmul(A.T()), residual)));
  }

  /**
   * Box section: argmin_{lo ≤ p ≤ hi, ⟨w, p⟩ = c} ‖p − x‖² = clip(x − μw, lo, hi) with the dual variable
   * μ found by bisection over the breakpoints of μ ↦ ⟨w, clip(x − μw, lo, hi)⟩, then solved exactly on
   * its linear piece.
   * <pre>{@code
   * Tensor p = Projections.boxSection(Tensor.of(0.9, 0.8, -0.3), Tensor.scalar(0), Tensor.scalar(1),
   *     Tensor.ones(3), Tensor.scalar(1));   // [0.55, 0.45, 0]
   * }</pre>
   * Differentiable in x, lo, hi, w and c: the derivative is the implicit derivative of the KKT system
   * with the active set held fixed (exact away from coordinates at a bound).
   *
   * @throws IllegalArgumentException if the set is empty (c outside the range of ⟨w, p⟩ on the box,
   *     lo &gt; hi) or w = 0
   */
  public static Tensor boxSection(Tensor x, Tensor lo, Tensor hi, Tensor w, Tensor c) {
    return BoxSectionProjection.project(x, lo, hi, w, c);
  }

  // ---------------------------------------------------------------- transport polytopes and order

  /**
   * Entropic projection onto the transport polytope U(a, b) = {P ≥ 0, P1 = a, Pᵀ1 = b}:
   * argmax_{P ∈ U(a, b)} ⟨P, X⟩ + εH(P) (H(P) = −Σ P log P), i.e. the KL projection of exp(X/ε), by
   * Sinkhorn iterations (stop when ‖P1 − a‖_∞ ≤ tolerance; one iteration rescales rows then columns).
   * <pre>{@code
   * Tensor P = Projections.transport(X, Tensor.full(0.5, 2), Tensor.full(1.0 / 3, 3), SinkhornOptions.defaults());
   * }</pre>
   * Differentiable in X, a and b, in both modes and to any order: by default implicitly, through the gauge-fixed
   * optimality condition of the Sinkhorn potentials (one linear solve per derivative; the iterations are not
   * recorded, so memory does not grow with them), or by unrolling the iterations with
   * {@code options.withImplicitDifferentiation(false)}. Derivatives in a and b along Σda ≠ Σdb (off the domain
   * Σa = Σb) are those unrolling converges to: the column marginals follow db, the rows da + a(Σdb − Σda)/Σa.
   * <pre>{@code
   * Tensor dX = AD.grad(x -> Projections.transport(x, a, b, SinkhornOptions.defaults()).mul(D).sum(), X);
   * }</pre>
   * Convergence is linear with a rate that degrades as (max X − min X)/ε grows: small ε needs many
   * iterations (a 3×3 near-permutation X with ε = 0.1 needs more than 20000 for tolerance 1e-9).
   * Not idempotent: it is the KL projection of exp(X/ε), not the Euclidean projection of X.
   *
   * @throws io.github.implicitdiff.linalg.NotConvergedException if the tolerance is not met within
   *     maxIterations
   * @throws IllegalArgumentException if a or b has a non-positive entry or Σa ≠ Σb
   */
  public static Tensor transport(Tensor X, Tensor a, Tensor b, SinkhornOptions options) {
    return Sinkhorn.project("Projections.transport", X, a, b, options);
  }

  /**
   * Entropic projection onto the Birkhoff polytope of doubly stochastic matrices (P ≥ 0, P1 = 1, Pᵀ1 = 1):
   * {@link #transport} with unit marginals. X must be square.
   * <pre>{@code
   * Tensor P = Projections.birkhoff(Tensor.randn(new Random(0), 4, 4), SinkhornOptions.defaults());
   * }</pre>
   */
  public static Tensor birkhoff(Tensor X, SinkhornOptions options) {
    String op = "Projections.birkhoff";
    Arguments.finite(op, "X", X);
    if (X.ndim() != 2 || X.dim(0) != X.dim(1))
      throw new ShapeException(op + ": X must be a square matrix, got shape " + X.shapeString());
    return Sinkhorn.project(op, X, Tensor.ones(X.dim(0)), Tensor.ones(X.dim(1)), options);
  }

  /**
   * Isotonic regression: argmin_{y monotone} ½‖y − x‖² for a vector x, by pool-adjacent-violators.
   * <pre>{@code
   * Projections.isotonic(Tensor.of(1, 3, 2, 4), Monotonicity.NON_DECREASING);   // [1, 2.5, 2.5, 4]
   * }</pre>
   * The solution is a vector of block means, so the Jacobian is block averaging (exact where the block
   * structure is locally constant; adjacent blocks with equal means are pooled).
   */
  public static Tensor isotonic(Tensor x, Monotonicity order) {
    return IsotonicRegression.project("Projections.isotonic", x, order);
  }
}
