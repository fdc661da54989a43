package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * The epoch loop of the stochastic solvers. At the start of epoch e (e = 0, 1, ...) it computes the full-batch
 * error rms(∇₁f(x, all rows, θ)) / max(1, rms(x)) on concrete values and stops when it is ≤ tol, or when e reaches
 * the epoch budget; otherwise it runs one epoch: the minibatches of a fresh permutation ({@link Minibatches}, seeded
 * once per run, so the whole run is a deterministic function of θ), one {@link StepRule} step on each, with step
 * scale stepDecay^e. The check costs one full-batch gradient per epoch, about as much as the epoch's minibatch
 * gradients together.
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
  }

  static SolverResult run(String solver, BatchObjective f, Sampling sampling, StepRule rule, int maxEpochs, double tol,
      Tensor x0, Tensor[] theta) {
    Dataset data = sampling.data();
    Tensor[] all = data.all(), thetaValues = new Tensor[theta.length];
    for (int i = 0; i < theta.length; i++) thetaValues[i] = theta[i].concrete();
    Minibatches batches = new Minibatches(data.n(), sampling.batchSize(), new Random(sampling.seed()));
    Tensor x = x0;
    double initialError = Double.NaN;
    int k = 0;
    for (int epoch = 0; ; epoch++) {
      Tensor xv = x.concrete();
      var full = AD.valueAndGrad(z -> f.apply(z, all, thetaValues), xv);
      if (epoch == 0) Guards.requireFiniteStart(solver, full.value(), full.grad());
      double error = Guards.relativeRms(full.grad(), xv);
      if (epoch == 0) initialError = error;
      if (error <= tol) return new SolverResult(x, epoch, error, true);
      if (epoch >= maxEpochs) return new SolverResult(x, epoch, error, false);
      Guards.requireNotDiverging(solver, epoch, "its step rule (epoch " + epoch + ")", initialError, error);
      double scale = Math.pow(sampling.stepDecay(), epoch);
      for (int b = batches.perEpoch(); b > 0; b--, k++) {
        x = rule.step(x, MinibatchObjective.of(f, data.rows(batches.next()), theta), k, scale);
        if (!x.concrete().allFinite())
          throw new NonFiniteException(solver + ": the iterate became non-finite at step " + k + " (epoch " + epoch
              + "): the steps diverge; lower the step size (or its cap), or check the objective for invalid operations");
      }
    }
  }
}
