package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.CompositeLinearObjective;
import io.github.implicitdiff.optimality.Objective;
import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.loss.MulticlassSvm;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockCoordinateDescentTest {
  static final ProximalOperator SIMPLEX = ProximalOperator.fromProjection(Projection.simplex());

  /** Multiclass SVM dual with fewer samples than features, so the dual is strongly convex. */
  record Svm(Tensor X, Tensor Y) {
    static Svm random(long seed, int m, int p, int k) {
      Random rng = new Random(seed);
      double[] labels = new double[m];
      for (int i = 0; i < m; i++) labels[i] = i % k;
      return new Svm(Tensor.randn(rng, m, p), Tensor.oneHot(Tensor.of(labels), k));
    }

    Objective dual() {
      return (b, th) -> MulticlassSvm.dual(b, th[0], X, Y);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void multiclassSvmDualMatchesProjectedGradientAndDerivativeInLambda(long seed) {
    Svm svm = Svm.random(seed, 6, 9, 3);
    Tensor lam = Tensor.scalar(2.0), s = Tensor.scalar(1);
    BlockCoordinateDescent bcd = BlockCoordinateDescent.of(svm.dual(), SIMPLEX, 1);
    Tensor init = svm.Y();
    SolverResult r = bcd.run(init, lam, s);
    assertTrue(r.converged(), r.toString());
    ProjectedGradient pg = ProjectedGradient.of(svm.dual(), Projection.simplex(), 1).withAcceleration(true);
    Tensor reference = pg.withTol(1e-12).run(init, lam, s).orThrow();
    assertClose(reference, r.solution(), 1e-7, "BCD vs projected gradient");
    assertClose(Tensor.ones(6), r.solution().sum(1), 1e-12, "rows on the simplex");
    // derivative in λ: two different optimality conditions, unrolled BCD, and finite differences
    Tensor jacPg = AD.jacobian(l -> pg.run(init, l, s).orThrow(), lam, AD.Mode.FORWARD);
    assertTrue(jacPg.maxAbs() > 1e-3, "a non-trivial derivative");
    BlockCoordinateDescent unrolled = bcd.withDifferentiation(Differentiation.UNROLLED).withTol(1e-12);
    SolverTestSupport.checkJacobians(l -> bcd.run(init, l, s).orThrow(), l -> unrolled.run(init, l, s).orThrow(),
        l -> bcd.withTol(1e-13).run(init, l, s).orThrow(), lam, 1e-6);
    assertClose(jacPg, AD.jacobian(l -> bcd.run(init, l, s).orThrow(), lam, AD.Mode.REVERSE), 1e-6, "BCD vs PG derivative");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void coordinateBlocksOfTheLassoMatchCoordinateDescent(long seed) {
    LassoReference p = LassoReference.random(seed, 30, 6);
    double lambda = 0.2 * p.lambdaMax();
    BlockCoordinateDescent bcd = BlockCoordinateDescent.of(p.smoothPart(), ProximalOperator.lasso(), 1);
    SolverResult r = bcd.run(Tensor.zeros(6), p.y(), Tensor.scalar(lambda));
    assertTrue(r.converged(), r.toString());
    assertClose(p.coordinateDescent(lambda), r.solution(), 1e-7, "lasso by coordinate blocks");
    Tensor jac = AD.jacobian(l -> bcd.run(Tensor.zeros(6), p.y(), l).orThrow(), Tensor.scalar(lambda), AD.Mode.REVERSE);
    assertClose(p.jacobianLambda(r.solution()), jac, 1e-6, "∂w/∂λ");
  }

  // ---------------------------------------------------------------- composite-linear objectives: the incremental path

  /** The lasso's smooth part ½‖Xw − y‖²/n as h(Aᵀw, y) with A = Xᵀ, z = Xw, θ_f = (y). */
  static CompositeLinearObjective lassoComposite(LassoReference p) {
    return CompositeLinearObjective.of((z, th) -> z.sub(th[0]).square().sum().mul(0.5 / p.n()), p.X().T());
  }

  /** The same objective through the general path (not recognised as composite-linear). */
  static Objective opaque(CompositeLinearObjective f) {
    return f::apply;
  }

  /** Same sweeps, same solution to rounding: the two paths take the same steps. */
  static void assertSamePath(SolverResult general, SolverResult fast) {
    assertTrue(general.converged() && fast.converged(), general + " / " + fast);
    assertEquals(general.iterations(), fast.iterations(), "sweeps");
    assertClose(general.solution(), fast.solution(), 1e-12, "solution, incremental vs general path");
  }

  /**
   * Under backtracking the paths may part: near the solution f(x') − f(x) is below round-off, so whenever the
   * gradient form of the test does not decide (η_b between 1/(2L_b) and 1/L_b) accepting a block step depends on
   * rounding, which the two paths do differently (f(x') from all of x, or h at the updated z). A rejection shrinks that
   * block's step for good, so the sweep counts may differ by a few; solved tightly, the solutions agree to rounding.
   */
  static void assertSameSolution(SolverResult general, SolverResult fast) {
    assertTrue(general.converged() && fast.converged(), general + " / " + fast);
    assertTrue(Math.abs(general.iterations() - fast.iterations()) <= Math.max(3, general.iterations() / 20),
        "sweeps " + general.iterations() + " vs " + fast.iterations());
    assertClose(general.solution(), fast.solution(), 1e-12, "solution, incremental vs general path");
  }

  /**
   * 1/max_b L_b for the SVM dual's rows, L_b = ‖X_b‖²/λ (from a quarter of it backtracking accepts every first trial:
   * the gradient form of its test holds with room to spare).
   */
  static double svmStep(Svm svm, double lambda) {
    return lambda / svm.X().square().sum(1).max().item();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void compositeSvmDualTakesTheGeneralPathsSteps(long seed) {
    Svm svm = Svm.random(seed, 8, 12, 3);
    CompositeLinearObjective composite = MulticlassSvm.dualComposite(svm.X(), svm.Y());
    double lambda = 0.5 + seed * 0.3;
    Tensor lam = Tensor.scalar(lambda), s = Tensor.scalar(1), init = Tensor.full(1.0 / 3, 8, 3);
    for (StepSize step : new StepSize[] {StepSize.fixed(svmStep(svm, lambda)),
        StepSize.backtracking().withInitial(svmStep(svm, lambda) / 4)}) {
      BlockCoordinateDescent general = BlockCoordinateDescent.of(svm.dual(), SIMPLEX, 1).withStepSize(step).withTol(1e-10);
      SolverResult fast = BlockCoordinateDescent.of(composite, SIMPLEX, 1).withStepSize(step).withTol(1e-10).run(init, lam, s);
      assertTrue(fast.iterations() > 20, "several sweeps: " + fast.iterations());
      assertSamePath(general.run(init, lam, s), fast);
      BlockCoordinateDescent opaque = BlockCoordinateDescent.of(opaque(composite), SIMPLEX, 1).withStepSize(step).withTol(1e-10);
      assertSamePath(opaque.run(init, lam, s), fast);
    }
    // default backtracking from η = 1, which shrinks on most rows
    assertSameSolution(BlockCoordinateDescent.of(svm.dual(), SIMPLEX, 1).withTol(1e-13).run(init, lam, s),
        BlockCoordinateDescent.of(composite, SIMPLEX, 1).withTol(1e-13).run(init, lam, s));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void compositeLassoByCoordinatesTakesTheGeneralPathsSteps(long seed) {
    LassoReference p = LassoReference.random(seed, 30, 6);
    double lambda = 0.2 * p.lambdaMax();
    Tensor lam = Tensor.scalar(lambda), init = Tensor.zeros(6);
    StepSize fixed = StepSize.fixed(lassoStep(p));
    SolverResult fast = BlockCoordinateDescent.of(lassoComposite(p), ProximalOperator.lasso(), 1).withStepSize(fixed)
        .withTol(1e-10).run(init, p.y(), lam);
    assertSamePath(BlockCoordinateDescent.of(p.smoothPart(), ProximalOperator.lasso(), 1).withStepSize(fixed).withTol(1e-10)
        .run(init, p.y(), lam), fast);
    assertClose(p.coordinateDescent(lambda), fast.solution(), 1e-8, "lasso by coordinate blocks");
    BlockCoordinateDescent general = BlockCoordinateDescent.of(p.smoothPart(), ProximalOperator.lasso(), 1).withTol(1e-13);
    assertSameSolution(general.run(init, p.y(), lam),
        BlockCoordinateDescent.of(lassoComposite(p), ProximalOperator.lasso(), 1).withTol(1e-13).run(init, p.y(), lam));
  }

  /** 1/max_j L_j for the lasso's coordinates, L_j = ‖X_j‖²/n. */
  static double lassoStep(LassoReference p) {
    return p.n() / p.X().square().sum(0).max().item();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void implicitDerivativesThroughTheIncrementalPathMatchTheGeneralPath(long seed) {
    Svm svm = Svm.random(seed, 7, 10, 3);
    Tensor s = Tensor.scalar(1), init = svm.Y(), lam = Tensor.scalar(1.5);
    BlockCoordinateDescent general = BlockCoordinateDescent.of(svm.dual(), SIMPLEX, 1).withTol(1e-11);
    BlockCoordinateDescent fast = BlockCoordinateDescent.of(MulticlassSvm.dualComposite(svm.X(), svm.Y()), SIMPLEX, 1)
        .withTol(1e-11);
    Tensor expected = AD.jacobian(l -> general.run(init, l, s).orThrow(), lam, AD.Mode.REVERSE);
    assertTrue(expected.maxAbs() > 1e-3, "a non-trivial derivative");
    assertClose(expected, AD.jacobian(l -> fast.run(init, l, s).orThrow(), lam, AD.Mode.REVERSE), 1e-9, "∂β/∂λ reverse");
    assertClose(expected, AD.jacobian(l -> fast.run(init, l, s).orThrow(), lam, AD.Mode.FORWARD), 1e-9, "∂β/∂λ forward");
    // the lasso in y, which enters h itself
    assertLassoDerivativeInYAgrees(seed, bcd -> bcd.withTol(1e-11), 1e-9);
  }

  /** ∂w/∂y (reverse mode) of the lasso by coordinates, y entering h, through the general and the incremental path. */
  static void assertLassoDerivativeInYAgrees(long seed, UnaryOperator<BlockCoordinateDescent> configure, double tol) {
    LassoReference p = LassoReference.random(seed, 20, 5);
    Tensor lasso = Tensor.scalar(0.2 * p.lambdaMax());
    BlockCoordinateDescent g = configure.apply(BlockCoordinateDescent.of(p.smoothPart(), ProximalOperator.lasso(), 1));
    BlockCoordinateDescent f = configure.apply(BlockCoordinateDescent.of(lassoComposite(p), ProximalOperator.lasso(), 1));
    Tensor dy = AD.jacobian(y -> g.run(Tensor.zeros(5), y, lasso).orThrow(), p.y(), AD.Mode.REVERSE);
    assertTrue(dy.maxAbs() > 1e-3, "a non-trivial derivative");
    assertClose(dy, AD.jacobian(y -> f.run(Tensor.zeros(5), y, lasso).orThrow(), p.y(), AD.Mode.REVERSE), tol, "∂w/∂y");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void unrolledDerivativesThroughTheIncrementalPathMatchTheGeneralPath(long seed) {
    Svm svm = Svm.random(seed, 6, 9, 3);
    Tensor s = Tensor.scalar(1), init = Tensor.full(1.0 / 3, 6, 3), lam = Tensor.scalar(2.0);
    // a few sweeps, far from converged: the recorded iterations themselves must agree, not just their limit
    BlockCoordinateDescent general = BlockCoordinateDescent.of(svm.dual(), SIMPLEX, 1)
        .withDifferentiation(Differentiation.UNROLLED).withMaxIterations(4);
    BlockCoordinateDescent fast = BlockCoordinateDescent.of(MulticlassSvm.dualComposite(svm.X(), svm.Y()), SIMPLEX, 1)
        .withDifferentiation(Differentiation.UNROLLED).withMaxIterations(4);
    // early sweeps (large steps, the value test far above round-off): default backtracking, same steps and shrinks
    assertClose(general.run(init, lam, s).solution(), fast.run(init, lam, s).solution(), 1e-12, "4 sweeps");
    Tensor expected = AD.jacobian(l -> general.run(init, l, s).solution(), lam, AD.Mode.REVERSE);
    assertTrue(expected.maxAbs() > 1e-3, "a non-trivial derivative");
    assertClose(expected, AD.jacobian(l -> fast.run(init, l, s).solution(), lam, AD.Mode.REVERSE), 1e-11, "unrolled reverse");
    assertClose(expected, AD.jacobian(l -> fast.run(init, l, s).solution(), lam, AD.Mode.FORWARD), 1e-11, "unrolled forward");
    // and in the data y of the lasso's h, to convergence (a fixed step: the same path, see assertSameSolution)
    StepSize fixed = StepSize.fixed(lassoStep(LassoReference.random(seed, 20, 5)));
    assertLassoDerivativeInYAgrees(seed, bcd -> bcd.withDifferentiation(Differentiation.UNROLLED).withStepSize(fixed), 1e-10);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void checkpointedSweepsGiveTheSameUnrolledIteratesAndDerivatives(long seed) {
    Svm svm = Svm.random(seed, 6, 9, 3);
    Tensor s = Tensor.scalar(1), init = Tensor.full(1.0 / 3, 6, 3), lam = Tensor.scalar(2.0);
    for (Objective dual : new Objective[] {svm.dual(), MulticlassSvm.dualComposite(svm.X(), svm.Y())}) {
      // growth 2: every block's step grows after acceptance and shrinks again, so each sweep starts from other
      // step sizes, which the checkpoint must replay
      BlockCoordinateDescent recorded = BlockCoordinateDescent.of(dual, SIMPLEX, 1)
          .withStepSize(StepSize.backtracking().withGrowth(2)).withDifferentiation(Differentiation.UNROLLED).withTol(1e-10);
      BlockCoordinateDescent checkpointed = recorded.withCheckpointedSweeps(true);
      assertTrue(checkpointed.checkpointedSweeps() && !recorded.checkpointedSweeps());
      // traced: the checkpointed loop runs; the iterates and sweep counts are the recorded loop's
      int[] sweeps = new int[2];
      Tensor expected = AD.jacobian(l -> {
        SolverResult r = recorded.run(init, l, s);
        sweeps[0] = r.iterations();
        return r.solution();
      }, lam, AD.Mode.REVERSE);
      Tensor actual = AD.jacobian(l -> {
        SolverResult r = checkpointed.run(init, l, s);
        sweeps[1] = r.iterations();
        return r.solution();
      }, lam, AD.Mode.REVERSE);
      assertEquals(sweeps[0], sweeps[1], "sweeps");
      assertTrue(sweeps[0] > 5, "several sweeps: " + sweeps[0]);
      assertTrue(expected.maxAbs() > 1e-3, "a non-trivial derivative");
      assertClose(expected, actual, 1e-12, "unrolled reverse, checkpointed sweeps");
      assertClose(expected, AD.jacobian(l -> checkpointed.run(init, l, s).solution(), lam, AD.Mode.FORWARD), 1e-10,
          "unrolled forward, checkpointed sweeps");
      // and in the prox's simplex size (a θ_g passed through the checkpoint)
      Tensor dS = AD.jacobian(t -> recorded.run(init, lam, t).solution(), s, AD.Mode.REVERSE);
      assertClose(dS, AD.jacobian(t -> checkpointed.run(init, lam, t).solution(), s, AD.Mode.REVERSE), 1e-12, "∂β/∂s");
    }
  }

  @Test
  void compositeObjectiveThatDoesNotFitTheBlocksIsRejected() {
    Svm svm = Svm.random(4, 6, 9, 3);
    BlockCoordinateDescent bcd = BlockCoordinateDescent.of(MulticlassSvm.dualComposite(svm.X(), svm.Y()), SIMPLEX, 1);
    Tensor lam = Tensor.scalar(1), s = Tensor.scalar(1);
    ShapeException rows = assertThrows(ShapeException.class, () -> bcd.run(Tensor.full(1.0 / 3, 5, 3), lam, s));
    assertTrue(rows.getMessage().contains("5 blocks") && rows.getMessage().contains("6 rows"), rows.getMessage());
    ShapeException shape = assertThrows(ShapeException.class, () -> bcd.run(Tensor.full(0.25, 6, 4), lam, s));
    assertTrue(shape.getMessage().contains("(6, 4)") && shape.getMessage().contains("(6, 3)"), shape.getMessage());
    assertThrows(ShapeException.class, () -> bcd.run(Tensor.full(1.0 / 6, 18), lam, s));
    assertThrows(IllegalArgumentException.class, () -> bcd.run(null, lam, s));
  }

  @Test
  void notConvergedSolutionRefusesToBeDifferentiated() {
    Svm svm = Svm.random(4, 6, 9, 3);
    BlockCoordinateDescent bcd = BlockCoordinateDescent.of(svm.dual(), SIMPLEX, 1).withMaxIterations(1);
    assertThrows(ImplicitConditionException.class,
        () -> AD.jacobian(l -> bcd.run(svm.Y(), l, Tensor.scalar(1)).solution(), Tensor.scalar(0.5), AD.Mode.FORWARD));
  }

  @Test
  void divergingFixedStepThrows() {
    LassoReference p = LassoReference.random(2, 30, 6);
    BlockCoordinateDescent bcd = BlockCoordinateDescent.of(p.smoothPart(), ProximalOperator.lasso(), 1)
        .withStepSize(StepSize.fixed(100));
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> bcd.run(Tensor.zeros(6), p.y(), Tensor.scalar(0.01)));
    assertTrue(e.getMessage().contains("BlockCoordinateDescent") && e.getMessage().contains("step size"), e.getMessage());
  }

  @Test
  void nanInDataThrows() {
    Svm svm = Svm.random(4, 6, 9, 3);
    assertThrows(NonFiniteException.class,
        () -> BlockCoordinateDescent.of(svm.dual(), SIMPLEX, 1).run(svm.Y(), Tensor.scalar(Double.NaN), Tensor.scalar(1)));
  }
}
