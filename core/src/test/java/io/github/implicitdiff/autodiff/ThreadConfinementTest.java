package io.github.implicitdiff.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Differentiation state is per thread: concurrent derivatives give bitwise the answers they give alone. */
class ThreadConfinementTest {
  private static final int ROUNDS = 15;

  /** Eight different derivative computations: nested gradients, Hessians, mixed modes, custom rules. */
  private static List<Supplier<double[]>> tasks() {
    Random rng = new Random(42);
    Tensor x = Tensor.randn(rng, 4), a = Tensor.randn(rng, 4, 4), m = Tensor.randn(rng, 3, 4);
    MultiInputFunction custom = AD.customVjp(in -> in[0].tanh(), (in, out, g) -> new Tensor[] {g.mul(out.square().rsub(1))});
    List<Supplier<double[]>> t = new ArrayList<>();
    t.add(() -> AD.hessian(v -> v.dot(a.matmul(v)).add(v.sin().sum()), x).toDoubleArray());
    t.add(() -> AD.grad(v -> AD.grad(w -> w.exp().sum().mul(v.sum()), v).sum(), x).toDoubleArray());
    t.add(() -> AD.jacobian(v -> AD.grad(w -> m.matmul(w).logsumexp(), v), x, AD.Mode.REVERSE).toDoubleArray());
    t.add(() -> AD.hvp(v -> v.softplus().mul(v).sum(), x, x.cos()).toDoubleArray());
    t.add(() -> AD.jvp(v -> AD.grad(w -> w.mul(v).square().sum(), v.sin()), x, Tensor.ones(4)).outTangent().toDoubleArray());
    t.add(() -> AD.hessian(v -> custom.apply(v).sum().mul(v.norm()), x).toDoubleArray());
    t.add(() -> AD.grad(v -> AD.jvp(w -> w.sort(0).cumsum(0), v, v.exp()).outTangent().sum(), x).toDoubleArray());
    t.add(() -> {
      Tensor s = Tensor.scalar(0.3);
      double d3 = AD.grad(p -> AD.grad(q -> AD.grad(r -> r.sin().mul(p), q), p), s).item();
      return new double[] {d3, AD.grad(p -> p.mul(AD.grad(y -> p.mul(y), Tensor.scalar(1))), s).item()};
    });
    return t;
  }

  @Test
  void concurrentDifferentiationMatchesSequentialBitwise() throws Exception {
    List<Supplier<double[]>> tasks = tasks();
    double[][] alone = new double[tasks.size()][];
    for (int k = 0; k < tasks.size(); k++) alone[k] = tasks.get(k).get();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<double[]>>> futures = new ArrayList<>();
      for (Supplier<double[]> task : tasks)
        futures.add(pool.submit(() -> {
          start.await();
          List<double[]> results = new ArrayList<>();
          for (int r = 0; r < ROUNDS; r++) results.add(task.get());
          return results;
        }));
      start.countDown();
      for (int k = 0; k < futures.size(); k++) {
        List<double[]> results = futures.get(k).get(60, TimeUnit.SECONDS);
        assertEquals(ROUNDS, results.size());
        for (double[] r : results)
          assertTrue(Arrays.equals(alone[k], r), "task " + k + ": " + Arrays.toString(r) + " vs alone " + Arrays.toString(alone[k]));
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
    // the calling thread's own nesting depth is untouched: a fresh derivative still works
    assertArrayEquals(new double[] {2, 4}, AD.grad(v -> v.square().sum(), Tensor.of(1, 2)).toDoubleArray(), 0);
  }
}
