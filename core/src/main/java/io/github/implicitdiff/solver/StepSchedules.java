package io.github.implicitdiff.solver;

/** The {@link StepSchedule}s, as records (their hyperparameters checked when built). */
final class StepSchedules {
  private StepSchedules() {}

  /** s = 1. */
  enum Constant implements StepSchedule {
    INSTANCE;

    @Override
    public double scale(int step, int stepsPerEpoch) {
      return 1;
    }

    @Override
    public String toString() {
      return "StepSchedule.constant()";
    }
  }

  /** s = γ^⌊k / steps per epoch⌋, as Math.pow(γ, epoch) (the bits of the solvers' withStepDecay). */
  record EpochDecay(double gamma) implements StepSchedule {
    EpochDecay {
      if (!(gamma > 0 && gamma <= 1)) throw new IllegalArgumentException("StepSchedule.epochDecay: γ must be in (0, 1], got " + gamma);
    }

    @Override
    public double scale(int step, int stepsPerEpoch) {
      return Math.pow(gamma, step / stepsPerEpoch);
    }
  }

  record Cosine(int decaySteps, double alpha) implements StepSchedule {
    Cosine {
      if (decaySteps < 1) throw new IllegalArgumentException("StepSchedule.cosine: the decay steps must be ≥ 1, got " + decaySteps);
      if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("StepSchedule.cosine: the floor α must be in [0, 1], got " + alpha);
    }

    @Override
    public double scale(int step, int stepsPerEpoch) {
      double progress = (double) Math.min(step, decaySteps) / decaySteps;
      return alpha + (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }

  record InverseTime(double rate) implements StepSchedule {
    InverseTime {
      RuleChecks.positive("StepSchedule.inverseTime", "the rate", rate);
    }

    @Override
    public double scale(int step, int stepsPerEpoch) {
      return 1 / (1 + rate * step);
    }
  }

  record Warmup(int steps, StepSchedule after) implements StepSchedule {
    Warmup {
      if (steps < 1) throw new IllegalArgumentException("StepSchedule.withWarmup: the warm-up must be ≥ 1 step, got " + steps);
      if (after == null) throw new IllegalArgumentException("StepSchedule.withWarmup: the schedule after it must not be null");
    }

    @Override
    public double scale(int step, int stepsPerEpoch) {
      return step < steps ? (step + 1.0) / steps * after.scale(0, stepsPerEpoch) : after.scale(step - steps, stepsPerEpoch);
    }

    @Override
    public int warmupSteps() {
      return steps + after.warmupSteps();
    }
  }
}
