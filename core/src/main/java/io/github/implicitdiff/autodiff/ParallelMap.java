package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.JointPrimitive;
import io.github.implicitdiff.tensor.KernelThreads;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * B independent problems y_b = f(b, x_b, s) evaluated on worker threads and differentiated as one step: the
 * batched inputs x (leading axis B, row b for problem b) and the shared inputs s (the same for every problem,
 * hyperparameters say) map to Y = stack_b y_b. Each problem runs to its own convergence on its own thread,
 * instead of a batch that iterates until its slowest member converges; a solver's diagnostics stay per problem.
 *
 * <p>Derivatives: when an input is being differentiated, each worker evaluates its problem with
 * {@link AD#linearize} and keeps the linearization, so the derivative reuses it (an implicit layer's solution,
 * not a new solve) and runs on the workers too. Reverse mode: ∂L/∂x_b = pullback_b(∂L/∂y_b) and ∂L/∂s = Σ_b
 * pullback_b(∂L/∂y_b). Forward mode: the tangent J_b t_b = pushforward_b(t_b) (for an implicit layer one linear
 * solve, not a new solve of the problem).
 * When the cotangents or tangents are themselves traced (a derivative of a derivative), the rules run on the
 * calling thread in tensor operations, problem by problem, so derivatives of any order are those of the
 * sequential map. Tracing state is per thread, so f must be a pure function of its arguments: a tensor that an
 * outer differentiation traces must be passed as a shared input (closing over one throws).
 *
 * <p>The workers are a fixed pool of max(2, cores) daemon threads whose kernels do not split further
 * ({@link KernelThreads}); a call made from a worker (f calling
 * {@code ParallelMap} again) runs its problems on that worker, in order. f runs concurrently with itself: what
 * it writes outside its result must be thread-safe. An exception from a problem is rethrown as it is, with a
 * suppressed note naming the problem.
 *
 * <pre>{@code
 * // ten ridge problems, each on its own data, one shared λ: solved at once, the hypergradient summed over them
 * // (ridge(b) is problem b's solution map from Implicit.customRoot, validationLoss(b, w) its outer loss)
 * ParallelMap.Problem valLoss = (b, x) -> validationLoss(b, ridge(b).apply(x[0]));
 * Tensor g = AD.grad(l -> ParallelMap.apply(10, valLoss, new Tensor[0], l).sum(), lambda);
 * }</pre>
 */
public final class ParallelMap {
  private ParallelMap() {}

  /** Problem b's function of its inputs: its rows of the batched inputs, then the shared inputs. */
  @FunctionalInterface
  public interface Problem {
    Tensor apply(int b, Tensor... x);
  }

  private static final ThreadLocal<Boolean> ON_WORKER = ThreadLocal.withInitial(() -> false);
  private static final ExecutorService WORKERS = Executors.newFixedThreadPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
        Thread t = new Thread(() -> {
          ON_WORKER.set(true);
          KernelThreads.serialOnThisThread(); // the problems are the parallelism: kernels stay on their thread
          r.run();
        }, "implicitdiff-parallel-map");
        t.setDaemon(true);
        return t;
      });

  /**
   * Y = stack_b f(b, x_b, s), b = 0 … count − 1, evaluated in parallel and differentiable in the batched and the
   * shared inputs.
   *
   * @param count B, the number of problems (≥ 1)
   * @param f problem b's function: f(b, x_1[b], …, x_p[b], s_1, …, s_q)
   * @param batched the batched inputs x_i, each with leading dimension B (may be empty)
   * @param shared the shared inputs s_j (may be none)
   * @return the outputs stacked along a new leading axis, shape (B, shape of y_b)
   * @throws ShapeException if a batched input's leading dimension is not B, or two problems' outputs differ in shape
   */
  public static Tensor apply(int count, Problem f, Tensor[] batched, Tensor... shared) {
    if (count < 1) throw new IllegalArgumentException("ParallelMap: count must be ≥ 1, got " + count);
    if (f == null || batched == null || shared == null)
      throw new IllegalArgumentException("ParallelMap: f, batched and shared must not be null");
    Tensor[] all = new Tensor[batched.length + shared.length];
    for (int i = 0; i < batched.length; i++) {
      if (batched[i] == null) throw new IllegalArgumentException("ParallelMap: batched input " + i + " is null");
      if (batched[i].ndim() < 1 || batched[i].dim(0) != count)
        throw new ShapeException("ParallelMap: batched input " + i + " must have leading dimension " + count + ", got shape "
            + batched[i].shapeString());
      all[i] = batched[i];
    }
    for (int j = 0; j < shared.length; j++) {
      if (shared[j] == null) throw new IllegalArgumentException("ParallelMap: shared input " + j + " is null");
      all[batched.length + j] = shared[j];
    }
    boolean traced = Arrays.stream(all).anyMatch(Tensor::isTraced);
    return Tensor.apply(new Step(count, f, batched.length, traced), all);
  }

  /** The map as one primitive; {@code linearizations} holds those of its (single) concrete evaluation. */
  private static final class Step implements JointPrimitive {
    private final int count;
    private final Problem f;
    private final int batchedCount;
    private final boolean recordLinearizations;
    private volatile Linearization[] linearizations;
    private volatile Tensor[] evaluatedAt;

    Step(int count, Problem f, int batchedCount, boolean recordLinearizations) {
      this.count = count;
      this.f = f;
      this.batchedCount = batchedCount;
      this.recordLinearizations = recordLinearizations;
    }

    @Override
    public String name() {
      return "ParallelMap";
    }

    /** Problem b's inputs: row b of each batched input, then the shared ones (tensor ops, so traced values work). */
    private Tensor[] inputs(int b, Tensor[] x) {
      Tensor[] in = new Tensor[x.length];
      for (int i = 0; i < x.length; i++) in[i] = i < batchedCount ? x[i].index(0, b) : x[i];
      return in;
    }

    private MultiFunction problem(int b) {
      return in -> new Tensor[] {f.apply(b, in)};
    }

    @Override
    public Tensor eval(Tensor... x) {
      Tensor[] ys = new Tensor[count];
      Linearization[] lins = recordLinearizations ? new Linearization[count] : null;
      run(b -> {
        Tensor[] in = inputs(b, x);
        Tensor y;
        if (lins != null) {
          lins[b] = AD.linearize(problem(b), in);
          y = lins[b].out();
        } else {
          y = f.apply(b, in);
        }
        if (y == null) throw new IllegalStateException("ParallelMap: problem " + b + " returned null");
        if (y.isTraced())
          throw new IllegalStateException("ParallelMap: problem " + b + " closes over a tensor that is being differentiated;"
              + " pass that tensor as a shared input instead so that its derivative is not lost");
        ys[b] = y;
      });
      for (int b = 1; b < count; b++)
        if (!Arrays.equals(ys[b].shape(), ys[0].shape()))
          throw new ShapeException("ParallelMap: problem " + b + " returned shape " + ys[b].shapeString() + " but problem 0 returned "
              + ys[0].shapeString());
      if (lins != null) {
        linearizations = lins;
        evaluatedAt = x;
      }
      return Tensor.stack(0, ys);
    }

    @Override
    public Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x) {
      Tensor[][] ct = new Tensor[count][];
      Linearization[] lins = linearizations;
      if (lins != null && !g.isTraced() && evaluatedHere(x)) {
        run(b -> ct[b] = lins[b].pullback().apply(g.index(0, b)));
      } else {
        // traced cotangent or inputs (a higher derivative): the sequential map's rule, in tensor operations
        for (int b = 0; b < count; b++) ct[b] = AD.vjp(problem(b), inputs(b, x)).pullback().apply(g.index(0, b));
      }
      Tensor[] r = new Tensor[x.length];
      for (int i = 0; i < x.length; i++) {
        if (!needed[i]) continue;
        if (i < batchedCount) {
          Tensor[] rows = new Tensor[count];
          for (int b = 0; b < count; b++) rows[b] = ct[b][i];
          r[i] = Tensor.stack(0, rows);
        } else {
          Tensor sum = ct[0][i];
          for (int b = 1; b < count; b++) sum = sum.add(ct[b][i]);
          r[i] = sum;
        }
      }
      return r;
    }

    /** Whether the recorded linearizations apply: the inputs are the concrete ones this step was evaluated at. */
    private boolean evaluatedHere(Tensor[] x) {
      if (evaluatedAt == null) return false;
      for (int i = 0; i < x.length; i++) if (x[i] != evaluatedAt[i] || x[i].isTraced()) return false;
      return true;
    }

    @Override
    public Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x) {
      boolean any = false, concrete = true;
      Tensor[] t = new Tensor[x.length];
      for (int i = 0; i < x.length; i++) {
        any |= dx[i] != null;
        t[i] = dx[i] == null ? Tensor.zerosLike(x[i]) : dx[i];
        concrete &= !x[i].isTraced() && !t[i].isTraced();
      }
      if (!any) return null;
      Tensor[] tangents = new Tensor[count];
      Linearization[] lins = linearizations;
      if (concrete && lins != null && evaluatedHere(x)) {
        // the recorded linearization's pushforward: no new solve
        run(b -> tangents[b] = lins[b].pushforward().apply(inputs(b, t))[0]);
      } else if (concrete) {
        run(b -> tangents[b] = AD.jvp(problem(b), inputs(b, x), inputs(b, t)).tangent()[0]);
      } else {
        for (int b = 0; b < count; b++) tangents[b] = AD.jvp(problem(b), inputs(b, x), inputs(b, t)).tangent()[0];
      }
      return Tensor.stack(0, tangents);
    }

    /** Runs task(b) for every b: on the workers, or in order when called from a worker. */
    private void run(IntConsumer task) {
      if (count == 1 || ON_WORKER.get()) {
        for (int b = 0; b < count; b++) runOne(task, b);
        return;
      }
      List<Future<?>> futures = new ArrayList<>(count);
      for (int b = 0; b < count; b++) {
        int problem = b;
        futures.add(WORKERS.submit(() -> runOne(task, problem)));
      }
      RuntimeException failure = null;
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (ExecutionException e) {
          if (failure == null) failure = asRuntime(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("ParallelMap: interrupted while waiting for the problems", e);
        }
      }
      if (failure != null) throw failure;
    }

    private static void runOne(IntConsumer task, int b) {
      try {
        task.accept(b);
      } catch (RuntimeException | Error e) {
        e.addSuppressed(new ProblemNote(b));
        throw e;
      }
    }

    private static RuntimeException asRuntime(Throwable t) {
      if (t instanceof RuntimeException r) return r;
      if (t instanceof Error e) throw e;
      return new IllegalStateException(t);
    }
  }

  /** Attached to a problem's exception (as suppressed) to say which problem raised it. */
  static final class ProblemNote extends RuntimeException {
    ProblemNote(int b) {
      super("raised by ParallelMap problem " + b, null, false, false);
    }
  }
}
