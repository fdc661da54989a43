package io.github.implicitdiff.autodiff;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.KernelThreads;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** ParallelMap against the sequential map (a loop and a stack) in values and in every mode and order. */
class ParallelMapTest {
  /** Problem b: tanh(A_b x_b + s) ⊙ s² with per-problem matrices A_b (closed over, not differentiated). */
  private static ParallelMap.Problem nonlinear(Tensor[] A, AtomicInteger calls) {
    return (b, x) -> {
      calls.incrementAndGet();
      return A[b].matmul(x[0]).add(x[1]).tanh().mul(x[1].square());
    };
  }

  private static Tensor sequential(int count, ParallelMap.Problem f, Tensor X, Tensor s) {
    Tensor[] ys = new Tensor[count];
    for (int b = 0; b < count; b++) ys[b] = f.apply(b, X.index(0, b), s);
    return Tensor.stack(0, ys);
  }

  /** A scalar loss of the stacked outputs, weighting each problem differently (a wrong row order shows). */
  private static Tensor loss(Tensor Y) {
    int count = Y.dim(0);
    double[] w = new double[count];
    for (int b = 0; b < count; b++) w[b] = 1 + b;
    return Y.sum(1).mul(Tensor.of(w)).sum().add(Y.square().sum().mul(0.1));
  }

  @Test
  void valuesAndGradientsEqualTheSequentialMap() {
    for (int seed = 0; seed < 5; seed++) {
      Random rng = new Random(seed);
      int count = 3 + seed, n = 4;
      Tensor[] A = new Tensor[count];
      for (int b = 0; b < count; b++) A[b] = Tensor.randn(rng, n, n);
      Tensor X = Tensor.randn(rng, count, n), s = Tensor.randn(rng, n);
      AtomicInteger calls = new AtomicInteger();
      ParallelMap.Problem f = nonlinear(A, calls);
      assertClose("values, seed " + seed, sequential(count, f, X, s), ParallelMap.apply(count, f, new Tensor[] {X}, s), 0);
      Tensor[] expected = AD.gradAll(in -> loss(sequential(count, f, in[0], in[1])), X, s);
      calls.set(0);
      Tensor[] actual = AD.gradAll(in -> loss(ParallelMap.apply(count, f, new Tensor[] {in[0]}, in[1])), X, s);
      // one evaluation per problem: the backward pass reuses the workers' linearizations
      assertEquals(count, calls.get(), "seed " + seed);
      assertClose("d/dX (batched), seed " + seed, expected[0], actual[0], 1e-13);
      assertClose("d/ds (shared), seed " + seed, expected[1], actual[1], 1e-13);
      GradientCheck.check("parallel map, seed " + seed,
          in -> loss(ParallelMap.apply(count, f, new Tensor[] {in[0]}, in[1])), rng, X, s);
    }
  }

  @Test
  void forwardModeAndSecondOrderEqualTheSequentialMap() {
    Random rng = new Random(11);
    int count = 4, n = 3;
    Tensor[] A = new Tensor[count];
    for (int b = 0; b < count; b++) A[b] = Tensor.randn(rng, n, n);
    Tensor X = Tensor.randn(rng, count, n), s = Tensor.randn(rng, n), v = Tensor.randn(rng, n);
    ParallelMap.Problem f = nonlinear(A, new AtomicInteger());
    TensorFunction plain = t -> loss(sequential(count, f, X, t));
    AtomicInteger calls = new AtomicInteger();
    ParallelMap.Problem counted = nonlinear(A, calls);
    TensorFunction parallel = t -> loss(ParallelMap.apply(count, counted, new Tensor[] {X}, t));
    assertClose("jvp", AD.jvp(plain, s, v).outTangent(), AD.jvp(parallel, s, v).outTangent(), 1e-13);
    // forward mode reuses the workers' linearizations too: each problem evaluated once
    assertEquals(count, calls.get());
    // and in a batched input
    assertClose("jvp in X", AD.jvp(Xs -> loss(sequential(count, f, Xs, s)), X, X.mul(0.3)).outTangent(),
        AD.jvp(Xs -> loss(ParallelMap.apply(count, f, new Tensor[] {Xs}, s)), X, X.mul(0.3)).outTangent(), 1e-13);
    Tensor jacobian = AD.jacobian(t -> sequential(count, f, X, t), s, AD.Mode.FORWARD);
    assertClose("forward Jacobian", jacobian,
        AD.jacobian(t -> ParallelMap.apply(count, f, new Tensor[] {X}, t), s, AD.Mode.FORWARD), 1e-13);
    Tensor hessian = AD.hessian(plain, s);
    assertClose("hessian (forward over reverse)", hessian, AD.hessian(parallel, s), 1e-12);
    for (int i = 0; i < n; i++) {
      int row = i;
      assertClose("reverse over reverse, row " + i, hessian.row(row),
          AD.grad(t -> AD.grad(parallel, t).index(0, row), s), 1e-12);
    }
  }

  @Test
  void implicitLayersPerProblemGiveTheSummedHypergradient() {
    // ridge per problem b on its own data, one shared λ: w_b*(λ) = (X_bᵀX_b/m + λI)⁻¹ X_bᵀy_b/m
    Random rng = new Random(5);
    int count = 6, m = 30, d = 4;
    Tensor[] Xs = new Tensor[count], ys = new Tensor[count];
    for (int b = 0; b < count; b++) {
      Xs[b] = Tensor.randn(rng, m, d);
      ys[b] = Tensor.randn(rng, m);
    }
    ParallelMap.Problem ridge = (b, x) -> {
      Optimality F = (w, th) -> Xs[b].T().matmul(Xs[b].matmul(w).sub(ys[b])).div(m).add(th[0].mul(w));
      var wStar = Implicit.customRoot(F, th -> Cholesky.factor(Xs[b].T().matmul(Xs[b]).div(m).add(Tensor.eye(d).mul(th[0])))
          .solve(Xs[b].T().matmul(ys[b]).div(m)), LinearSolvers.cg(), ImplicitOptions.defaults().withSymmetric(true));
      return wStar.apply(x[0]);
    };
    Tensor lambda = Tensor.scalar(0.3);
    TensorFunction outer = l -> ParallelMap.apply(count, ridge, new Tensor[0], l).square().sum();
    // closed form: d/dλ Σ_b ‖w_b‖² = Σ_b −2 w_bᵀ (G_b + λI)⁻¹ w_b
    double expected = 0;
    for (int b = 0; b < count; b++) {
      Cholesky c = Cholesky.factor(Xs[b].T().matmul(Xs[b]).div(m).add(Tensor.eye(d).mul(0.3)));
      Tensor w = c.solve(Xs[b].T().matmul(ys[b]).div(m));
      expected -= 2 * w.vdot(c.solve(w));
    }
    assertEquals(expected, AD.grad(outer, lambda).item(), 1e-10 * Math.abs(expected));
    assertEquals(expected, AD.jvp(outer, lambda, Tensor.scalar(1)).outTangent().item(), 1e-10 * Math.abs(expected));
  }

  @Test
  void problemsRunConcurrently() throws Exception {
    // each of two problems waits until the other has started: a sequential map would time out
    CountDownLatch started = new CountDownLatch(2);
    ParallelMap.Problem f = (b, x) -> {
      started.countDown();
      try {
        assertTrue(started.await(10, TimeUnit.SECONDS), "problem " + b + " ran alone");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return x[0].mul(b + 1);
    };
    assertClose("values", Tensor.of(new double[][] {{1, 2}, {2, 4}}),
        ParallelMap.apply(2, f, new Tensor[0], Tensor.of(1, 2)), 0);
  }

  @Test
  void workersDoNotSplitTheirKernels() {
    Tensor flags = ParallelMap.apply(3, (b, x) -> Tensor.scalar(KernelThreads.splitsOnThisThread() ? 1 : 0), new Tensor[0]);
    assertClose("splits on the workers", Tensor.zeros(3), flags, 0);
    Thread t = new Thread(() -> {
      KernelThreads.serialOnThisThread();
      assertTrue(!KernelThreads.splitsOnThisThread());
    });
    t.start();
    assertDoesNotThrow(() -> t.join());
  }

  @Test
  void nestedMapsRunOnTheWorkerWithoutDeadlock() {
    ParallelMap.Problem inner = (b, x) -> x[0].mul(b + 1);
    ParallelMap.Problem outer = (b, x) -> ParallelMap.apply(3, inner, new Tensor[0], x[0]).sum(0).add(b);
    Tensor s = Tensor.of(1, 2);
    Tensor Y = ParallelMap.apply(4, outer, new Tensor[0], s);
    for (int b = 0; b < 4; b++) assertClose("row " + b, Tensor.of(6 + b, 12 + b), Y.row(b), 1e-15);
    assertClose("gradient", Tensor.full(4 * 6, 2), AD.grad(t -> ParallelMap.apply(4, outer, new Tensor[0], t).sum(), s), 1e-14);
  }

  @Test
  void aFailingProblemIsNamedAndBadInputFailsClearly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParallelMap.apply(4, (b, x) -> {
      if (b == 2) throw new IllegalArgumentException("bad data");
      return x[0];
    }, new Tensor[0], Tensor.ones(2)));
    assertEquals("bad data", e.getMessage());
    assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(t -> t.getMessage().contains("problem 2")));

    ShapeException rows = assertThrows(ShapeException.class,
        () -> ParallelMap.apply(3, (b, x) -> x[0], new Tensor[] {Tensor.ones(2, 4)}));
    assertTrue(rows.getMessage().contains("leading dimension 3"), rows.getMessage());
    ShapeException shapes = assertThrows(ShapeException.class,
        () -> ParallelMap.apply(3, (b, x) -> Tensor.ones(b == 1 ? 2 : 3), new Tensor[0]));
    assertTrue(shapes.getMessage().contains("problem 1"), shapes.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ParallelMap.apply(0, (b, x) -> x[0], new Tensor[0]));
    assertThrows(IllegalArgumentException.class, () -> ParallelMap.apply(2, null, new Tensor[0]));

    Tensor theta = Tensor.of(0.5, 1.5);
    IllegalStateException closure = assertThrows(IllegalStateException.class, () -> AD.grad(
        th -> ParallelMap.apply(2, (b, x) -> x[0].mul(th), new Tensor[0], Tensor.ones(2)).sum(), theta));
    assertTrue(closure.getMessage().contains("shared input"), closure.getMessage());
  }

  @Test
  void untracedCallsNeitherRecordNorRecompute() {
    AtomicInteger calls = new AtomicInteger();
    Tensor[] A = {Tensor.eye(2), Tensor.eye(2).mul(2)};
    Tensor Y = ParallelMap.apply(2, nonlinear(A, calls), new Tensor[] {Tensor.ones(2, 2)}, Tensor.ones(2));
    assertEquals(2, calls.get());
    assertArrayEquals(new int[] {2, 2}, Y.shape());
    assertSame(Y, Y.concrete());
  }
}
