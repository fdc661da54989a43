package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.loss.MulticlassSvm;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
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
