package io.github.implicitdiff.solver;

import io.github.implicitdiff.projection.Degeneracy;
import io.github.implicitdiff.projection.Projections;
import io.github.implicitdiff.prox.Prox;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The kinks of a piecewise-smooth operator T (a prox or a projection) applied to v = x − η∇f(x): which
 * coordinates of v sit at a switching point, and the convention that fixes the derivative there.
 *
 * <p>A first-order solver's fixed point x* = T(x* − η∇f(x*), θ) is differentiable in θ only when no
 * coordinate of v* = x* − η∇f(x*) sits at a kink of T. {@link #detect} finds those that do (within an
 * absolute tolerance); {@link #settle} defines the derivative there: the degenerate coordinates of v are
 * replaced by constants strictly on the <em>non-smooth side</em> of their kink, so that the implicit
 * system is the one of the one-sided branch where the coordinate stays put:
 * <ul>
 *   <li>lasso / elastic net (|v_i| = ηλ): the coordinate is thresholded, x_i = 0 and ∂x_i = 0;</li>
 *   <li>non-negative lasso (v_i = ηλ): x_i = 0 and ∂x_i = 0;</li>
 *   <li>box / non-negative orthant (v_i at a bound, i.e. x_i at the bound with zero gradient): the bound
 *       is active, x_i = bound and ∂x_i = ∂bound;</li>
 *   <li>simplex (v_i tied with the threshold τ): the coordinate is outside the support, x_i = 0 and
 *       ∂x_i = 0; the others follow the projection onto the smaller support.</li>
 *   <li>ℓ1 ball (|v_i| tied with the multiplier τ of ‖x‖₁ ≤ r): as for the simplex, x_i = 0 and ∂x_i = 0; and
 *       when the radius constraint is weakly active (‖v‖₁ = r, τ = 0) it is held active: x stays on the sphere,
 *       ∂x = (I − σσᵀ/|S|) ∂v + σ/|S| ∂r on the support S, σ = sign(v). Here the check departs from
 *       {@link Projections#l1Ball}'s own convention on the sphere (the interior branch, ∂x = ∂v, 0 in r), which
 *       keeps the projection a plain function of its input; the check follows the rule of this list instead.</li>
 *   <li>second-order and PSD cones: detection only ({@link #secondOrderCone()}, {@link #psd()}); the derivative
 *       stays the projection's own, see there why these curved sets are not settled.</li>
 * </ul>
 * Apart from the ℓ1 ball's radius, this is each operator's own convention at an exact kink (see {@link Prox#lasso} and
 * {@link Projections#simplex}), made independent of rounding: without it, a coordinate that converged to
 * 1e-12 instead of 0 would silently switch the derivative to the other branch.
 *
 * <pre>{@code
 * ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1)
 *     .withDegeneracyCheck(DegeneracyCheck.lasso());
 * SolverResult r = pg.run(Tensor.zeros(d), lambda);
 * r.degeneracy().indices();   // coordinates with |∇_i f(x*)| = λ and x*_i = 0
 * }</pre>
 */
public interface DegeneracyCheck {
  /** The default relative tolerance of {@link #relativeTolerance()}: 1e-6. */
  double DEFAULT_RELATIVE_TOLERANCE = 1e-6;

  /**
   * The coordinates of v (concrete) within {@code tolerance} of a kink of T(·, η, θ_T).
   *
   * @param v the operator's input x − η∇f(x), concrete; not modified
   * @param params the operator's parameters θ_T, concrete
   */
  Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance);

  /**
   * v with the coordinates listed in {@code d} replaced by concrete values strictly on the non-smooth side
   * of their kink (see the class comment); the other coordinates, and their derivatives, are unchanged.
   * v and params may be traced.
   */
  Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params);

  /**
   * The tolerance, relative to max(1, max|v|), below which a coordinate counts as degenerate (default
   * 1e-6, a hundred times the solvers' default tol, so that a converged solution at a kink is caught).
   */
  default double relativeTolerance() {
    return DEFAULT_RELATIVE_TOLERANCE;
  }

  /** This test with another relative tolerance (≥ 0). */
  default DegeneracyCheck withRelativeTolerance(double value) {
    if (!(value >= 0) || !Double.isFinite(value))
      throw new IllegalArgumentException("DegeneracyCheck: relative tolerance must be finite and ≥ 0, got " + value);
    DegeneracyCheck base = this;
    return new DegeneracyCheck() {
      public Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance) {
        return base.detect(v, eta, params, tolerance);
      }

      public Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params) {
        return base.settle(v, d, eta, params);
      }

      public double relativeTolerance() {
        return value;
      }
    };
  }

  /** Runs {@link #detect} with the absolute tolerance relativeTolerance · max(1, max|v|). */
  default Degeneracy inspect(Tensor v, double eta, Tensor[] params) {
    Tensor vc = v.concrete();
    return detect(vc, eta, params, relativeTolerance() * Math.max(1, vc.maxAbs()));
  }

  /** Soft thresholding (prox of λ‖·‖₁), parameters (λ): kinks at |v_i| = ηλ_i. */
  static DegeneracyCheck lasso() {
    return thresholded("lasso", 1);
  }

  /** Elastic net (prox of λ1‖·‖₁ + ½λ2‖·‖²), parameters (λ1, λ2): kinks at |v_i| = ηλ1_i. */
  static DegeneracyCheck elasticNet() {
    return thresholded("elasticNet", 2);
  }

  /** Non-negative lasso (prox of λΣz + ι(z ≥ 0)), parameters (λ): kinks at v_i = ηλ_i. */
  static DegeneracyCheck nonNegativeLasso() {
    return new DegeneracyCheck() {
      public Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance) {
        requireParams("nonNegativeLasso", params, 1);
        Tensor kink = params[0].concrete().mul(eta);
        return Degeneracy.fromMask(v.sub(kink).abs().le(tolerance).broadcastTo(v.shape()), tolerance);
      }

      public Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params) {
        // v_i := ηλ_i − 1 < ηλ_i: the coordinate is clipped to 0
        Tensor below = params[0].concrete().mul(eta).sub(1).broadcastTo(v.shape());
        return replace(v, d, below);
      }
    };
  }

  /** The non-negative orthant (projection max(v, 0)), no parameters: kinks at v_i = 0. */
  static DegeneracyCheck nonNegative() {
    return new DegeneracyCheck() {
      public Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance) {
        requireParams("nonNegative", params, 0);
        return Degeneracy.fromMask(v.abs().le(tolerance), tolerance);
      }

      public Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params) {
        return replace(v, d, Tensor.full(-1, v.shape()));
      }
    };
  }

  /**
   * A box (projection clip(v, lo, hi)), parameters (lo, hi) broadcasting to v, infinite bounds allowed:
   * kinks at v_i = lo_i or v_i = hi_i (x_i at a bound where the gradient vanishes: weakly active).
   */
  static DegeneracyCheck box() {
    return new DegeneracyCheck() {
      public Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance) {
        requireParams("box", params, 2);
        double[] x = v.toDoubleArray(), lo = bound(params[0], v), hi = bound(params[1], v);
        double[] mask = new double[x.length];
        for (int i = 0; i < x.length; i++)
          if (Math.abs(x[i] - lo[i]) <= tolerance || Math.abs(x[i] - hi[i]) <= tolerance) mask[i] = 1;
        return Degeneracy.fromMask(Tensor.of(mask), tolerance);
      }

      public Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params) {
        double[] x = v.concrete().toDoubleArray(), lo = bound(params[0], v), hi = bound(params[1], v);
        double[] outside = new double[x.length];
        for (int i : d.indices()) // beyond the nearer bound: that bound is active
          outside[i] = Math.abs(x[i] - lo[i]) <= Math.abs(x[i] - hi[i]) ? lo[i] - 1 - Math.abs(lo[i]) : hi[i] + 1 + Math.abs(hi[i]);
        return replace(v, d, Tensor.fromArray(outside, v.shape()));
      }

      private double[] bound(Tensor b, Tensor v) {
        return b.concrete().broadcastTo(v.shape()).toDoubleArray();
      }
    };
  }

  /**
   * The simplex of size s along the last axis (projection max(v − τ, 0)), parameters (s): kinks where
   * v_i = τ of its row.
   */
  static DegeneracyCheck simplex() {
    return new DegeneracyCheck() {
      public Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance) {
        requireParams("simplex", params, 1);
        return Projections.simplexDegeneracy(v, params[0].concrete(), tolerance);
      }

      public Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params) {
        // v_i := v_i − 1 − |v_i| < τ (v_i is within the tolerance of τ): out of the support, τ unchanged
        Tensor vc = v.concrete();
        return replace(v, d, vc.sub(vc.abs()).sub(1));
      }
    };
  }

  /**
   * The ℓ1 ball ‖x‖₁ ≤ r (projection {@link Projections#l1Ball}), parameters (r): kinks where |v_i| ties with the
   * multiplier τ of the radius constraint, and the radius constraint itself when it is weakly active (‖v‖₁ = r,
   * τ = 0); see {@link Projections#l1BallDegeneracy}, whose indices (the flat coordinates, then n for the radius)
   * the result reports. Settled as in the class comment.
   *
   * <pre>{@code
   * ProjectedGradient pg = ProjectedGradient.of(f, Projection.l1Ball(), 1).withDegeneracyCheck(DegeneracyCheck.l1Ball());
   * SolverResult r = pg.run(Tensor.zeros(n), thetaF, Tensor.scalar(1));
   * r.degeneracy().indices();   // coordinates at 0 with a zero multiplier; n when ‖x*‖₁ = r with τ = 0
   * }</pre>
   */
  static DegeneracyCheck l1Ball() {
    return new DegeneracyCheck() {
      public Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance) {
        requireParams("l1Ball", params, 1);
        return Projections.l1BallDegeneracy(v, params[0].concrete(), tolerance);
      }

      public Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params) {
        int n = v.size();
        if (d.size() != n + 1)
          throw new ShapeException("DegeneracyCheck.l1Ball.settle: the degeneracy inspected " + d.size()
              + " entries but v has " + n + " coordinates (the check inspects n + 1: the coordinates and the radius)");
        if (!d.isDegenerate()) return v;
        double[] values = v.concrete().toDoubleArray(), tie = new double[n], shift = new double[n];
        boolean radius = false;
        for (int i : d.indices()) {
          if (i == n) radius = true;
          else tie[i] = 1;
        }
        // a weakly active radius: shift every support coordinate outwards by the same δ = 1. The projection's
        // threshold grows by δ too (τ = (Σ_S |v_i| − r)/|S|), so x is unchanged, but ‖v‖₁ > r now selects the
        // active branch whatever the rounding of ‖v‖₁ − r
        if (radius) for (int i = 0; i < n; i++) if (tie[i] == 0) shift[i] = values[i] >= 0 ? 1 : -1;
        // tied coordinates: v_i := 0, below the threshold: x_i = 0, out of the support
        Tensor shifted = radius ? v.add(Tensor.fromArray(shift, v.shape())) : v;
        return Tensor.where(Tensor.fromArray(tie, v.shape()), Tensor.zerosLike(v.concrete()), shifted);
      }
    };
  }

  /**
   * The second-order cone (projection {@link Projections#secondOrderCone}), no parameters: reports the rows of v
   * with |‖x‖ − |t|| within the tolerance (the boundary of the cone or of its polar, the apex), see
   * {@link Projections#secondOrderConeDegeneracy}. Detection only: {@link #settle} returns v unchanged, so the
   * derivative is the projection's own (the constraint active at an exact kink). Holding a curved branch by moving
   * v would not be exact, unlike for the polyhedral sets above: there the Jacobian is constant on each branch, here
   * it depends on where v sits (‖x‖/t), so any offset large enough to beat rounding would change the derivative.
   *
   * <pre>{@code
   * ProjectedGradient pg = ProjectedGradient.of(f, Projection.secondOrderCone(), 0).withDegeneracyCheck(DegeneracyCheck.secondOrderCone());
   * pg.run(z0, theta).degeneracy().indices();   // rows at a kink
   * }</pre>
   */
  static DegeneracyCheck secondOrderCone() {
    return detectionOnly("secondOrderCone", Projections::secondOrderConeDegeneracy);
  }

  /**
   * The PSD cone (projection {@link Projections#psd}), no parameters: reports the eigenvalues of v within the
   * tolerance of 0 (indices in ascending order), see {@link Projections#psdDegeneracy}. Detection only, for the
   * reason given on {@link #secondOrderCone()}: the Daleckii–Krein factors λ_j/(λ_j − λ_i) of a zero eigenvalue
   * λ_i depend on how far below 0 it would be moved.
   *
   * <pre>{@code
   * ProjectedGradient pg = ProjectedGradient.of(f, Projection.psd(), 0).withDegeneracyCheck(DegeneracyCheck.psd());
   * pg.run(X0, theta).degeneracy().indices();   // eigenvalues of X* − η∇f(X*) at 0
   * }</pre>
   */
  static DegeneracyCheck psd() {
    return detectionOnly("psd", Projections::psdDegeneracy);
  }

  /** A check that reports the kinks of a parameterless operator and leaves v as it is. */
  private static DegeneracyCheck detectionOnly(String name,
      java.util.function.BiFunction<Tensor, Double, Degeneracy> detector) {
    return new DegeneracyCheck() {
      public Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance) {
        requireParams(name, params, 0);
        return detector.apply(v, tolerance);
      }

      public Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params) {
        return v;
      }
    };
  }

  /** Soft thresholding at ηθ_0 (θ_0 = λ or λ1), with {@code count} operator parameters. */
  private static DegeneracyCheck thresholded(String name, int count) {
    return new DegeneracyCheck() {
      public Degeneracy detect(Tensor v, double eta, Tensor[] params, double tolerance) {
        requireParams(name, params, count);
        return Prox.lassoDegeneracy(v, params[0].concrete(), eta, tolerance);
      }

      public Tensor settle(Tensor v, Degeneracy d, double eta, Tensor[] params) {
        return replace(v, d, Tensor.zerosLike(v.concrete())); // |0| ≤ ηλ: thresholded
      }
    };
  }

  private static void requireParams(String test, Tensor[] params, int atLeast) {
    if (params.length < atLeast)
      throw new IllegalArgumentException("DegeneracyCheck." + test + ": the operator has " + params.length
          + " parameters, the test needs " + atLeast + "; use the test matching the solver's operator");
  }

  /** where(mask of d, constant, v), with the mask shaped like v. */
  private static Tensor replace(Tensor v, Degeneracy d, Tensor constant) {
    if (d.size() != v.size())
      throw new ShapeException("DegeneracyCheck.settle: the degeneracy inspected " + d.size() + " coordinates but v has shape "
          + v.shapeString());
    if (!d.isDegenerate()) return v;
    return Tensor.where(d.mask().reshape(v.shape()), constant, v);
  }
}
