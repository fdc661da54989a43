package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A projection x ↦ proj_C(θ)(x) whose set parameters θ (radius, bounds, size) are explicit tensor
 * arguments, so that a solver can differentiate its solution with respect to them. Never capture a
 * parameter you differentiate in a closure: pass it as {@code params}.
 *
 * <pre>{@code
 * Projection ball = Projection.l2Ball();
 * Tensor p = ball.apply(x, Tensor.scalar(2.0));                         // radius 2
 * Tensor dpdr = AD.jacobian(r -> ball.apply(x, r), Tensor.scalar(2.0));  // derivative in the radius
 * }</pre>
 */
@FunctionalInterface
public interface Projection {
  /** proj_C(params)(x). */
  Tensor apply(Tensor x, Tensor... params);

  /** Non-negative orthant; no parameters. */
  static Projection nonNegative() {
    return (x, p) -> {
      Arguments.count("Projection.nonNegative", p, 0, "none");
      return Projections.nonNegative(x);
    };
  }

  /** Box; parameters (lo, hi). */
  static Projection box() {
    return (x, p) -> {
      Arguments.count("Projection.box", p, 2, "lo, hi");
      return Projections.box(x, p[0], p[1]);
    };
  }

  /** Unit hypercube; no parameters. */
  static Projection hypercube() {
    return (x, p) -> {
      Arguments.count("Projection.hypercube", p, 0, "none");
      return Projections.hypercube(x);
    };
  }

  /** Simplex of size s along the last axis; parameter (s). */
  static Projection simplex() {
    return (x, p) -> {
      Arguments.count("Projection.simplex", p, 1, "s");
      return Projections.simplex(x, p[0]);
    };
  }

  /** ℓ1 ball; parameter (radius). */
  static Projection l1Ball() {
    return (x, p) -> {
      Arguments.count("Projection.l1Ball", p, 1, "radius");
      return Projections.l1Ball(x, p[0]);
    };
  }

  /** ℓ1 sphere; parameter (radius). */
  static Projection l1Sphere() {
    return (x, p) -> {
      Arguments.count("Projection.l1Sphere", p, 1, "radius");
      return Projections.l1Sphere(x, p[0]);
    };
  }

  /** ℓ2 ball; parameter (radius). */
  static Projection l2Ball() {
    return (x, p) -> {
      Arguments.count("Projection.l2Ball", p, 1, "radius");
      return Projections.l2Ball(x, p[0]);
    };
  }

  /** ℓ2 sphere; parameter (radius). */
  static Projection l2Sphere() {
    return (x, p) -> {
      Arguments.count("Projection.l2Sphere", p, 1, "radius");
      return Projections.l2Sphere(x, p[0]);
    };
  }

  /** ℓ∞ ball; parameter (radius). */
  static Projection linfBall() {
    return (x, p) -> {
      Arguments.count("Projection.linfBall", p, 1, "radius");
      return Projections.linfBall(x, p[0]);
    };
  }

  /** Hyperplane ⟨a, p⟩ = b; parameters (a, b). */
  static Projection hyperplane() {
    return (x, p) -> {
      Arguments.count("Projection.hyperplane", p, 2, "a, b");
      return Projections.hyperplane(x, p[0], p[1]);
    };
  }

  /** Halfspace ⟨a, p⟩ ≤ b; parameters (a, b). */
  static Projection halfspace() {
    return (x, p) -> {
      Arguments.count("Projection.halfspace", p, 2, "a, b");
      return Projections.halfspace(x, p[0], p[1]);
    };
  }

  /** Affine set Ap = b; parameters (A, b). */
  static Projection affineSet() {
    return (x, p) -> {
      Arguments.count("Projection.affineSet", p, 2, "A, b");
      return Projections.affineSet(x, p[0], p[1]);
    };
  }

  /** Box section lo ≤ p ≤ hi, ⟨w, p⟩ = c; parameters (lo, hi, w, c). */
  static Projection boxSection() {
    return (x, p) -> {
      Arguments.count("Projection.boxSection", p, 4, "lo, hi, w, c");
      return Projections.boxSection(x, p[0], p[1], p[2], p[3]);
    };
  }

  /** Entropic transport polytope; parameters (a, b). */
  static Projection transport(SinkhornOptions options) {
    Arguments.notNull("Projection.transport", "options (use SinkhornOptions.defaults())", options);
    return (x, p) -> {
      Arguments.count("Projection.transport", p, 2, "a, b");
      return Projections.transport(x, p[0], p[1], options);
    };
  }

  /** Entropic Birkhoff polytope; no parameters. */
  static Projection birkhoff(SinkhornOptions options) {
    Arguments.notNull("Projection.birkhoff", "options (use SinkhornOptions.defaults())", options);
    return (x, p) -> {
      Arguments.count("Projection.birkhoff", p, 0, "none");
      return Projections.birkhoff(x, options);
    };
  }

  /** Isotonic regression (monotone vectors); no parameters. */
  static Projection isotonic(Monotonicity order) {
    Arguments.notNull("Projection.isotonic", "order", order);
    return (x, p) -> {
      Arguments.count("Projection.isotonic", p, 0, "none");
      return Projections.isotonic(x, order);
    };
  }

  /** Second-order cone {(x, t) : ‖x‖ ≤ t} along the last axis, t the last element; no parameters. */
  static Projection secondOrderCone() {
    return (x, p) -> {
      Arguments.count("Projection.secondOrderCone", p, 0, "none");
      return Projections.secondOrderCone(x);
    };
  }

  /** Positive semidefinite cone of symmetric matrices; no parameters. */
  static Projection psd() {
    return (x, p) -> {
      Arguments.count("Projection.psd", p, 0, "none");
      return Projections.psd(x);
    };
  }
}
