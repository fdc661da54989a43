package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.solver.DegeneracyCheck;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.ProximalGradient;
import io.github.implicitdiff.solver.SolverResult;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Program 1: the lasso's validation loss differentiated in λ through FISTA, implicitly and unrolled, against
 * central differences of re-solves and the support closed form dw_S/dλ = −(X_SᵀX_S/n)⁻¹ sign(w_S).
 */
class LassoHypergradientExample {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void hypergradientMatchesFiniteDifferencesAndUnrolling(long seed) {
    Random rng = new Random(seed);
    int n = 60, d = 12;
    Tensor X = Tensor.randn(rng, n, d), Xv = Tensor.randn(rng, 40, d);
    Tensor wTrue = Tensor.randn(rng, d).mul(Tensor.rand(rng, d).gt(0.5));
    Tensor y = X.matmul(wTrue).add(Tensor.randn(rng, n).mul(0.3)), yv = Xv.matmul(wTrue).add(Tensor.randn(rng, 40).mul(0.3));
    Objective f = (w, th) -> X.matmul(w).sub(y).square().mean().mul(0.5);
    ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1).withAcceleration(true).withTol(1e-12)
        .withDegeneracyCheck(DegeneracyCheck.lasso());
    Tensor lam = Tensor.scalar(0.05);

    SolverResult r = pg.run(Tensor.zeros(d), lam);
    Tensor w = r.orThrow();
    assertFalse(r.degenerate(), "the test point must be away from the soft-threshold kinks: " + r.degeneracy());

    Tensor implicit = AD.grad(l -> valLoss(pg.run(Tensor.zeros(d), l).orThrow(), Xv, yv), lam);
    Tensor unrolled = AD.grad(
        l -> valLoss(pg.withDifferentiation(Differentiation.UNROLLED).run(Tensor.zeros(d), l).orThrow(), Xv, yv), lam);
    Tensor fd = Fd.gradient(l -> valLoss(pg.run(Tensor.zeros(d), l).orThrow(), Xv, yv), lam, 1e-5);

    // closed form on the support S: X_SᵀX_S w_S/n − X_Sᵀy/n + λ sign(w_S) = 0
    int[] S = support(w);
    Tensor XS = X.take(S, 1), sgn = w.take(S, 0).sign();
    Tensor dwS = Cholesky.factor(XS.T().matmul(XS).div(n)).solve(sgn).neg();
    Tensor gradVal = AD.grad(ww -> valLoss(ww, Xv, yv), w).take(S, 0);
    double closedForm = gradVal.vdot(dwS);

    System.out.printf("lasso seed %d |S|=%d  dval/dλ implicit %.10f unrolled %.10f fd %.10f closed %.10f%n", seed, S.length,
        implicit.item(), unrolled.item(), fd.item(), closedForm);
    assertEquals(closedForm, implicit.item(), 1e-7 * Math.abs(closedForm));
    assertEquals(fd.item(), implicit.item(), 1e-5 * Math.abs(fd.item()));
    assertEquals(implicit.item(), unrolled.item(), 1e-6 * Math.abs(implicit.item()));
  }

  static Tensor valLoss(Tensor w, Tensor Xv, Tensor yv) {
    return Xv.matmul(w).sub(yv).square().mean();
  }

  static int[] support(Tensor w) {
    List<Integer> s = new ArrayList<>();
    double[] v = w.toDoubleArray();
    for (int i = 0; i < v.length; i++) if (v[i] != 0) s.add(i);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }
}
