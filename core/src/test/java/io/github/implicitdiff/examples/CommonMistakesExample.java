package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.implicit.RootSolver;
import io.github.implicitdiff.linalg.Cholesky;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.linalg.Lu;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.solver.ProximalGradient;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Program 9: the mistakes users make, each answered by an exception that names the problem and says what to do:
 * θ of the wrong shape or count, a solver returning the wrong shape, an F closing over a traced tensor, CG (or
 * {@code withSymmetric(true)}) on a non-symmetric F, a solver that did not converge, NaN data.
 */
class CommonMistakesExample {
  static final int N = 30, D = 4;
  final Random rng = new Random(0);
  final Tensor X = Tensor.randn(rng, N, D), y = Tensor.randn(rng, N);
  // ridge: F(w, λ) = Xᵀ(Xw − y)/n + λw and its exact solver
  final Optimality F = (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(N).add(th[0].mul(w));
  final RootSolver ridge = th -> Cholesky.factor(X.T().matmul(X).div(N).add(Tensor.eye(D).mul(th[0]))).solve(X.T().matmul(y).div(N));

  static void assertMentions(Throwable e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
  }

  @Test
  void thetaOfTheWrongShapeOrCount() {
    Objective f = (w, th) -> X.matmul(w).sub(y).square().mean();
    ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1);
    assertMentions(assertThrows(ShapeException.class, () -> pg.run(Tensor.zeros(D), Tensor.of(0.1, 0.2))), "λ of shape (2,)",
        "(4,)");
    assertMentions(assertThrows(IllegalArgumentException.class, () -> pg.run(Tensor.zeros(D))), "θ has 0 tensors",
        "pass θ = (θ_f..., θ_g...)");
  }

  @Test
  void solverReturningTheWrongShape() {
    Tensor lam = Tensor.scalar(0.1);
    ShapeException longer = assertThrows(ShapeException.class,
        () -> AD.grad(l -> Implicit.customRoot(F, th -> Tensor.zeros(D + 1)).apply(l).sum(), lam));
    assertMentions(longer, "solver's output", "(5,)");
    ShapeException column = assertThrows(ShapeException.class,
        () -> AD.grad(l -> Implicit.customRoot(F, th -> ridge.solve(th).reshape(D, 1)).apply(l).sum(), lam));
    assertMentions(column, "(4, 1)", "solver");
  }

  @Test
  void optimalityClosingOverATracedTensor() {
    ImplicitConditionException e = assertThrows(ImplicitConditionException.class,
        () -> AD.grad(l -> Implicit.customRoot((w, th) -> F.apply(w, l), ridge).apply(l).sum(), Tensor.scalar(0.1)));
    assertMentions(e, "closes over a tensor that is being differentiated", "pass that tensor as an argument θ");
  }

  @Test
  void conjugateGradientOrSymmetricOptionOnANonSymmetricCondition() {
    Tensor M = Tensor.randn(rng, D, D), skew = M.sub(M.T()).mul(0.15);
    Optimality G = (x, th) -> skew.matmul(x).add(x.mul(3)).sub(th[0]);            // ∂₁G = 3I + skew: not symmetric
    RootSolver exact = th -> Lu.factor(skew.add(Tensor.eye(D).mul(3))).solve(th[0].concrete());
    Tensor t = Tensor.ones(D);
    Tensor truth = AD.jacobian(tt -> Implicit.customRoot(G, exact, LinearSolvers.lu()).apply(tt), t, AD.Mode.FORWARD);
    assertFalse(truth.allClose(truth.T(), 1e-3), "the true Jacobian is not symmetric");

    // CG in forward mode would solve the transposed system: refused before solving
    ImplicitConditionException cgForward = assertThrows(ImplicitConditionException.class,
        () -> AD.jacobian(tt -> Implicit.customRoot(G, exact, LinearSolvers.cg()).apply(tt), t, AD.Mode.FORWARD));
    assertMentions(cgForward, "∂₁F is not symmetric", "the linear solver (CG)", "LinearSolvers.gmres()");
    // CG in reverse mode on a strongly non-symmetric ∂₁F: does not converge, and says why
    Optimality H = (x, th) -> M.matmul(x).add(x.mul(3)).sub(th[0]);
    RootSolver exactH = th -> Lu.factor(M.add(Tensor.eye(D).mul(3))).solve(th[0].concrete());
    NotConvergedException cgReverse = assertThrows(NotConvergedException.class,
        () -> AD.grad(tt -> Implicit.customRoot(H, exactH, LinearSolvers.cg()).apply(tt).sum(), t));
    assertMentions(cgReverse, "did not converge", "∂₁F is not symmetric", "LinearSolvers.gmres()");
    // withSymmetric(true) with GMRES in forward mode used to return the transposed Jacobian silently
    ImplicitOptions wrongClaim = ImplicitOptions.defaults().withSymmetric(true);
    ImplicitConditionException sym = assertThrows(ImplicitConditionException.class,
        () -> AD.jacobian(tt -> Implicit.customRoot(G, exact, LinearSolvers.gmres(), wrongClaim).apply(tt), t, AD.Mode.FORWARD));
    assertMentions(sym, "∂₁F is not symmetric", "withSymmetric(true)");
    // reverse mode solves with (∂₁F)ᵀ either way, so the claim does not change the (correct) answer there
    Tensor reverse = AD.jacobian(tt -> Implicit.customRoot(G, exact, LinearSolvers.gmres(), wrongClaim).apply(tt), t, AD.Mode.REVERSE);
    assertTrue(reverse.allClose(truth, 1e-8), "reverse mode " + reverse + " vs " + truth);
    // and a truly symmetric condition still passes the check in forward mode
    MultiInputFunction wStar = Implicit.customRoot(F, ridge, LinearSolvers.cg(), wrongClaim);
    Tensor fwd = AD.jacobian(l -> wStar.apply(l), Tensor.scalar(0.1), AD.Mode.FORWARD);
    assertTrue(Fd.relativeError(fwd, Fd.jacobian(l -> ridge.solve(l), Tensor.scalar(0.1), 1e-6)) < 1e-7);
  }

  @Test
  void solverThatDidNotConverge() {
    Objective f = (w, th) -> Objectives.l2BinaryLogistic(w, th[0], X, y.gt(0));
    LBFGS threeSteps = LBFGS.of(f).withMaxIterations(3);
    assertMentions(assertThrows(NotConvergedException.class, () -> threeSteps.run(Tensor.zeros(D), Tensor.scalar(0.1)).orThrow()),
        "no convergence after 3 iterations", "raise maxIterations");
    // differentiating the unconverged iterate instead of calling orThrow(): the residual check refuses
    assertMentions(assertThrows(ImplicitConditionException.class,
        () -> AD.grad(l -> threeSteps.run(Tensor.zeros(D), l).solution().sum(), Tensor.scalar(0.1))),
        "does not satisfy F(x, θ) = 0", "solve more accurately");
  }

  @Test
  void nanData() {
    double[] xs = X.toDoubleArray();
    xs[5] = Double.NaN;
    Tensor Xn = Tensor.fromArray(xs, N, D);
    Objective f = (w, th) -> Objectives.l2BinaryLogistic(w, th[0], Xn, y.gt(0));
    assertMentions(assertThrows(NonFiniteException.class, () -> LBFGS.of(f).run(Tensor.zeros(D), Tensor.scalar(0.1))),
        "X must be finite", "flat index 5");
    // a hand-written F over NaN data: the residual is NaN, which is bad data, not an inaccurate solve
    Optimality Fn = (w, th) -> Xn.T().matmul(Xn.matmul(w).sub(y)).div(N).add(th[0].mul(w));
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> AD.grad(l -> Implicit.customRoot(Fn, th -> Tensor.zeros(D)).apply(l).sum(), Tensor.scalar(0.1)));
    assertMentions(e, "not finite", "the data F closes over");
  }
}
