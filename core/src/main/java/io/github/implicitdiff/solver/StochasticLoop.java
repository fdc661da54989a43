package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The epoch loop of the stochastic solvers. At the start of epoch e (e = 0, 1, ...) it computes the full-batch
 * error rms(∇₁f(x, all rows, θ)) / max(1, rms(x)) on concrete values and stops when it is ≤ tol, or when e reaches
 * the epoch budget; otherwise it runs one epoch: the minibatches of a fresh permutation ({@link Order}: seeded once
 * per run, so the whole run is a deterministic function of θ), one {@link StepRule} step on each, with the step
 * scale s_k of the {@link StepSchedule} (γ^e for the per-epoch decay). The check costs one full-batch gradient per epoch, about as much as the epoch's minibatch
 * gradients together. Unrolled reverse mode may record it in checkpointed segments of minibatch steps
 * ({@link Checkpointing}): x and the rule's tensors (Adam's moments) enter each segment; the rest (the step
 * counters, Armijo's step size, the minibatch order, drawn once per run) is replayed.
 */
final class StochasticLoop {
  private StochasticLoop() {}

  /** A method's update, with its per-run state (a step size, moments). */
  interface StepRule {
    /**
     * x_{k+1} from x_k on the minibatch objective fi; {@code scale} multiplies the method's step size (its cap, or
     * its learning rate) in this epoch. Written in tensor operations: when x or θ is traced it is recorded.
     */
    Tensor step(Tensor x, MinibatchObjective fi, int k, double scale);

    /** The tensors of the rule's state that the next steps depend on (none for a stateless rule). */
    default Tensor[] carried() {
      return new Tensor[0];
    }

    /**
     * A copy with {@code carried} in place of {@link #carried()} and the same concrete state (copied: the copy's
     * steps must not change this rule), for checkpointed segments. A stateless rule returns itself.
     */
    default StepRule restore(Tensor[] carried) {
      return this;
    }
  }

  static SolverResult run(String solver, BatchObjective f, Sampling sampling, StepRule rule, int maxEpochs, double tol,
      Tensor x0, Tensor[] theta, Checkpointing checkpointing) {
    Run run = new Run(solver, f, sampling, maxEpochs, tol, new Order(sampling));
    return SegmentedLoop.run(run.new State(x0, rule, 0, 0, 0, Double.NaN), theta, checkpointing);
  }

  /**
   * The minibatch order of one run: epoch e shuffles by its own {@link Minibatches} seeded with the e-th draw of a
   * generator seeded with the run's seed, so that batch k's rows can be drawn again (a checkpointed segment's replay)
   * while only the current epoch's batches are kept.
   */
  static final class Order {
    private final Sampling sampling;
    private final Random seeds;
    private final List<Long> epochSeeds = new ArrayList<>();
    final int perEpoch;
    private int cachedEpoch = -1;
    private int[][] cached;

    Order(Sampling s) {
      sampling = s;
      seeds = new Random(s.seed());
      perEpoch = new Minibatches(s.data().n(), s.batchSize(), seeds).perEpoch();
    }

    /** The rows of minibatch step k. */
    int[] rows(int k) {
      int epoch = k / perEpoch;
      if (epoch != cachedEpoch) {
        while (epochSeeds.size() <= epoch) epochSeeds.add(seeds.nextLong());
        Minibatches m = new Minibatches(sampling.data().n(), sampling.batchSize(), new Random(epochSeeds.get(epoch)));
        cached = new int[perEpoch][];
        for (int b = 0; b < perEpoch; b++) cached[b] = m.next();
        cachedEpoch = epoch;
      }
      return cached[k % perEpoch];
    }
  }

  /** One run's settings. */
  private record Run(String solver, BatchObjective f, Sampling sampling, int maxEpochs, double tol, Order order) {
    /** Before minibatch step k (the b-th of epoch e): x and the rule carried, the counters replayed. */
    final class State implements SegmentedLoop.State<State> {
      private Tensor x;
      private final StepRule rule;
      private int epoch, b, k;
      private double initialError;

      State(Tensor x, StepRule rule, int epoch, int b, int k, double initialError) {
        this.x = x;
        this.rule = rule;
        this.epoch = epoch;
        this.b = b;
        this.k = k;
        this.initialError = initialError;
      }

      @Override
      public Tensor[] carried() {
        Tensor[] r = rule.carried(), all = new Tensor[1 + r.length];
        all[0] = x;
        System.arraycopy(r, 0, all, 1, r.length);
        return all;
      }

      @Override
      public State restore(Tensor[] c) {
        return new State(c[0], rule.restore(Arrays.copyOfRange(c, 1, c.length)), epoch, b, k, initialError);
      }

      @Override
      public SolverResult step(Tensor[] theta) {
        if (b == 0) { // the start of an epoch: the full-batch check, on values
          Tensor xv = x.concrete();
          Tensor[] all = sampling.data().all(), values = new Tensor[theta.length];
          for (int i = 0; i < theta.length; i++) values[i] = theta[i].concrete();
          var full = AD.valueAndGrad(z -> f.apply(z, all, values), xv);
          if (epoch == 0) Guards.requireFiniteStart(solver, full.value(), full.grad());
          double error = Guards.relativeRms(full.grad(), xv);
          if (epoch == 0) initialError = error;
          if (error <= tol) return new SolverResult(x, epoch, error, true);
          if (epoch >= maxEpochs) return new SolverResult(x, epoch, error, false);
          Guards.requireNotDiverging(solver, epoch, "its step rule (epoch " + epoch + ")", initialError, error);
        }
        double scale = sampling.schedule().scale(k, order.perEpoch);
        if (!(scale >= 0) || !Double.isFinite(scale))
          throw new IllegalArgumentException(solver + ": the step schedule " + sampling.schedule() + " gave " + scale
              + " at step " + k + "; a schedule's multiplier must be ≥ 0 and finite");
        x = rule.step(x, MinibatchObjective.of(f, sampling.data().rows(order.rows(k)), theta), k, scale);
        if (!x.concrete().allFinite())
          throw new NonFiniteException(solver + ": the iterate became non-finite at step " + k + " (epoch " + epoch
              + "): the steps diverge; lower the step size (or its cap), or check the objective for invalid operations");
        k++;
        if (++b == order.perEpoch) {
          b = 0;
          epoch++;
        }
        return null;
      }
    }
  }
}
