package io.github.implicitdiff.projection;

/** The order constraint of {@link Projections#isotonic}. */
public enum Monotonicity {
  /** y_1 ≤ y_2 ≤ … ≤ y_n. */
  NON_DECREASING,
  /** y_1 ≥ y_2 ≥ … ≥ y_n. */
  NON_INCREASING
}
