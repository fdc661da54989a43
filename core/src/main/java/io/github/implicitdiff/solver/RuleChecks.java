package io.github.implicitdiff.solver;

/** The hyperparameter checks of the {@link UpdateRule}s and {@link StepSchedule}s: messages name the rule and setting. */
final class RuleChecks {
  private RuleChecks() {}

  /** value, or an exception when it is not positive and finite. */
  static double positive(String rule, String what, double value) {
    if (!(value > 0) || !Double.isFinite(value))
      throw new IllegalArgumentException(rule + ": " + what + " must be positive and finite, got " + value);
    return value;
  }

  /** value, or an exception when it is negative, NaN or infinite. */
  static double nonNegative(String rule, String what, double value) {
    if (!(value >= 0) || !Double.isFinite(value))
      throw new IllegalArgumentException(rule + ": " + what + " must be ≥ 0 and finite, got " + value);
    return value;
  }

  /** value, or an exception when it is not in [0, 1) (a decay of an average: 1 would never forget). */
  static double decay(String rule, String what, double value) {
    if (!(value >= 0 && value < 1)) throw new IllegalArgumentException(rule + ": " + what + " must be in [0, 1), got " + value);
    return value;
  }
}
