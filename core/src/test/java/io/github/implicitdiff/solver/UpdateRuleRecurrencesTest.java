package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each {@link UpdateRule} under each kind of {@link StepSchedule}, run by {@link MinibatchSolver} for 4 epochs of 3
 * minibatches, against its recurrence written here on plain double arrays (with the schedule's formula written
 * here too), replayed on the run's minibatch order: the iterates agree to 1e-14. Hyperparameters are off their
 * defaults so that a swapped or ignored one shows.
 */
class UpdateRuleRecurrencesTest {
  static final int N = 30, D = 4, BATCH = 10, EPOCHS = 4;
  static final double LR = 0.3, B = 0.7, B2 = 0.95, EPS = 1e-6, WD = 0.2;

  /** One step of a rule on doubles: x ← x − Δ(g) with the multiplier s at step k, updating its own state. */
  interface Reference {
    void step(double[] x, double[] g, int k, double s);
  }

  record Case(UpdateRule rule, StepSchedule schedule, java.util.function.IntToDoubleFunction scale, Reference reference) {}

  static double cosine(int j) { // cosine(7, 0.1) after a warm-up of 2: the formula of optax's cosine_decay_schedule
    return 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(j, 7) / 7.0));
  }

  static List<Case> cases() {
    double[] m = new double[D], v = new double[D], m2 = new double[D], v2 = new double[D], a = new double[D], q = new double[D];
    return List.of(
        new Case(UpdateRule.sgd(LR), StepSchedule.inverseTime(0.3), k -> 1 / (1 + 0.3 * k), (x, g, k, s) -> {
          for (int j = 0; j < D; j++) x[j] -= s * LR * g[j];
        }),
        new Case(UpdateRule.momentum(LR, B), StepSchedule.epochDecay(0.8), k -> Math.pow(0.8, k / 3), (x, g, k, s) -> {
          for (int j = 0; j < D; j++) {
            m[j] = B * m[j] + g[j];
            x[j] -= s * LR * m[j];
          }
        }),
        new Case(UpdateRule.nesterov(LR, B), StepSchedule.cosine(7, 0.1).withWarmup(2), k -> k < 2 ? (k + 1) / 2.0 : cosine(k - 2),
            (x, g, k, s) -> {
              for (int j = 0; j < D; j++) {
                v[j] = B * v[j] + g[j];
                x[j] -= s * LR * (g[j] + B * v[j]);
              }
            }),
        new Case(UpdateRule.adam(LR).withBetas(B, B2).withEps(EPS), StepSchedule.constant(), k -> 1, adam(m2, v2, 0)),
        new Case(UpdateRule.adamW(LR, WD).withBetas(B, B2).withEps(EPS), StepSchedule.inverseTime(0.5).withWarmup(3),
            k -> k < 3 ? (k + 1) / 3.0 : 1 / (1 + 0.5 * (k - 3)), adam(new double[D], new double[D], WD)),
        new Case(UpdateRule.rmsProp(LR).withDecay(B).withEps(EPS), StepSchedule.epochDecay(0.9), k -> Math.pow(0.9, k / 3),
            (x, g, k, s) -> {
              for (int j = 0; j < D; j++) {
                a[j] = B * a[j] + (1 - B) * g[j] * g[j];
                x[j] -= s * LR * (g[j] / (Math.sqrt(a[j]) + EPS));
              }
            }),
        new Case(UpdateRule.adaGrad(LR).withEps(EPS), StepSchedule.cosine(12, 0), k -> 0.5 * (1 + Math.cos(Math.PI * k / 12.0)),
            (x, g, k, s) -> {
              for (int j = 0; j < D; j++) {
                q[j] += g[j] * g[j];
                x[j] -= s * LR * (g[j] / (Math.sqrt(q[j]) + EPS));
              }
            }));
  }

  /** Adam (Kingma and Ba, Algorithm 1) with AdamW's decoupled decay w·x (Loshchilov and Hutter, Algorithm 2). */
  static Reference adam(double[] m, double[] v, double w) {
    return (x, g, k, s) -> {
      int t = k + 1;
      for (int j = 0; j < D; j++) {
        m[j] = B * m[j] + (1 - B) * g[j];
        v[j] = B2 * v[j] + (1 - B2) * g[j] * g[j];
        double mHat = m[j] / (1 - Math.pow(B, t)), vHat = v[j] / (1 - Math.pow(B2, t));
        x[j] -= s * LR * (mHat / (Math.sqrt(vHat) + EPS) + w * x[j]);
      }
    };
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void eachRuleFollowsItsRecurrenceUnderItsSchedule(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, N, D);
    Tensor x0 = Tensor.randn(new Random(seed), D), lam = Tensor.scalar(0.2);
    BatchObjective f = StochasticProblem.objective();
    for (Case c : cases()) {
      MinibatchSolver s = MinibatchSolver.of(f, p.data(), c.rule()).withSchedule(c.schedule()).withBatchSize(BATCH)
          .withSeed(seed).withMaxIterations(EPOCHS).withTol(1e-14);
      assertEquals(3, s.stepsPerEpoch());
      StochasticLoop.Order order = new StochasticLoop.Order(s.sampling);
      double[] x = x0.toDoubleArray();
      for (int k = 0; k < EPOCHS * 3; k++) {
        assertEquals(c.scale().applyAsDouble(k), c.schedule().scale(k, 3), 1e-15, c.schedule() + " at step " + k);
        Tensor[] rows = p.data().rows(order.rows(k));
        double[] g = AD.grad(z -> f.apply(z, rows, lam), Tensor.of(x)).toDoubleArray();
        c.reference().step(x, g, k, c.scale().applyAsDouble(k));
      }
      SolverResult r = s.run(x0, lam);
      assertEquals(EPOCHS, r.iterations());
      double[] got = r.solution().toDoubleArray();
      for (int j = 0; j < D; j++)
        assertEquals(x[j], got[j], 1e-14 * (1 + Math.abs(x[j])), c.rule() + " under " + c.schedule() + ", coordinate " + j);
      assertTrue(Tensor.of(x).sub(x0).maxAbs() > 1e-2, c.rule() + " must move x");
    }
  }

  @Test
  void schedulesFollowTheirFormulas() {
    assertEquals(1, StepSchedule.constant().scale(1000, 7));
    assertEquals(Math.pow(0.9, 4), StepSchedule.epochDecay(0.9).scale(29, 7)); // step 29 of 7 per epoch: epoch 4
    assertEquals(1, StepSchedule.cosine(10, 0.2).scale(0, 1), 1e-15);
    assertEquals(0.6, StepSchedule.cosine(10, 0.2).scale(5, 1), 1e-15); // halfway: α + (1 − α)/2
    assertEquals(0.2, StepSchedule.cosine(10, 0.2).scale(25, 1), 1e-15); // after T: the floor
    assertEquals(1 / 3.0, StepSchedule.inverseTime(0.5).scale(4, 1), 1e-15);
    StepSchedule warm = StepSchedule.epochDecay(0.5).withWarmup(4);
    assertEquals(0.25, warm.scale(0, 2), 1e-15);
    assertEquals(1, warm.scale(3, 2), 1e-15);
    assertEquals(1, warm.scale(5, 2), 1e-15); // the decay restarts at the end of the warm-up: step 1 of it, epoch 0
    assertEquals(0.5, warm.scale(6, 2), 1e-15);
    assertEquals(4, warm.warmupSteps());
    assertEquals(7, warm.withWarmup(3).warmupSteps());
  }
}
