package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.PowerIteration;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.solver.ActiveSetReduction;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.ProximalGradient;
import io.github.implicitdiff.solver.StepSize;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The lasso w*(λ) = argmin ½‖Xw − y‖²/n + λ‖w‖₁ by FISTA (fixed step 1/L, L = λ_max(XᵀX)/n), X Gaussian
 * (n, d), y = X w_true + 0.1·noise with {@code trueSupport} nonzero weights; outer loss the validation
 * error ½ mean((X_val w* − y_val)²), differentiated in λ. {@link #withActiveSet} reduces the implicit system to
 * the support ({@link ActiveSetReduction#lasso()}).
 */
final class LassoProblem implements SolverProblem {
  private final int n, d;
  private final Tensor X, y, Xval, yval, lambda, init;
  private final boolean activeSet;
  private final ProximalGradient solver;
  private final double tol;
  private Consumer<ImplicitDiagnostics> listener;

  private LassoProblem(LassoProblem data, boolean activeSet) {
    n = data.n;
    d = data.d;
    tol = data.tol;
    X = data.X;
    y = data.y;
    Xval = data.Xval;
    yval = data.yval;
    lambda = data.lambda;
    init = data.init;
    solver = data.solver;
    this.activeSet = activeSet;
  }

  LassoProblem(long seed, int n, int d, int trueSupport, double lambdaFraction, double tol) {
    Random rng = new Random(seed);
    this.n = n;
    this.d = d;
    this.tol = tol;
    this.activeSet = false;
    int nVal = Math.max(n / 2, 10);
    X = Tensor.randn(rng, n, d);
    Xval = Tensor.randn(rng, nVal, d);
    double[] w = new double[d];
    for (int i = 0; i < trueSupport; i++) w[rng.nextInt(d)] = rng.nextGaussian() * 2;
    Tensor wTrue = Tensor.of(w);
    y = X.matmul(wTrue).add(Tensor.randn(rng, n).mul(0.1));
    yval = Xval.matmul(wTrue).add(Tensor.randn(rng, nVal).mul(0.1));
    double lambdaMax = y.matmul(X).normInf().item() / n;
    lambda = Tensor.scalar(lambdaFraction * lambdaMax);
    init = Tensor.zeros(d);
    double L = largestGramEigenvalue(X, new Random(seed + 1)) / n;
    Objective f = (v, th) -> X.matmul(v).sub(y).square().mean().mul(0.5);
    solver = ProximalGradient.of(f, ProximalOperator.lasso(), 1).withStepSize(StepSize.fixed(1 / L)).withAcceleration(true)
        .withTol(tol).withMaxIterations(100_000);
  }

  /** The same data and solver, differentiated through the full (false) or the support-reduced (true) system. */
  LassoProblem withActiveSet(boolean value) {
    return new LassoProblem(this, value);
  }

  @Override
  public String name() {
    return activeSet ? "lasso-proxgrad-active-set" : "lasso-proxgrad";
  }

  @Override
  public String describe() {
    return name() + ": n = " + n + ", d = " + d + ", λ = " + lambda.item() + ", FISTA fixed step 1/L, tol " + tol
        + ", support |S| = " + support() + (activeSet ? ", implicit system reduced to S (CG)" : ", full implicit system (GMRES)");
  }

  /** |S| of the solution. */
  int support() {
    double[] w = solver.run(init, lambda).orThrow().toDoubleArray();
    int s = 0;
    for (double v : w) if (v != 0) s++;
    return s;
  }

  @Override
  public void listen(Consumer<ImplicitDiagnostics> l) {
    listener = l;
  }

  private Tensor validationLoss(Tensor w) {
    return Xval.matmul(w).sub(yval).square().mean().mul(0.5);
  }

  @Override
  public int solve() {
    return solver.run(init, lambda).iterations();
  }

  @Override
  public Tensor implicitGradient() {
    ProximalGradient s = solver.withImplicitOptions(ImplicitOptions.defaults().withListener(listener));
    if (activeSet) s = s.withActiveSetReduction(ActiveSetReduction.lasso());
    ProximalGradient pg = s;
    return AD.grad(l -> validationLoss(pg.run(init, l).orThrow()), lambda);
  }

  @Override
  public Tensor unrolledGradient(int iterations) {
    ProximalGradient pg = solver.withDifferentiation(Differentiation.UNROLLED).withMaxIterations(iterations);
    return AD.grad(l -> validationLoss(pg.run(init, l).solution()), lambda);
  }

  /** λ_max(AᵀA) by 100 power iterations from a random start (an upper estimate after scaling by 1.01). */
  static double largestGramEigenvalue(Tensor A, Random rng) {
    // (Av)ᵀA = AᵀAv without materialising Aᵀ
    LinearOperator gram = LinearOperator.symmetric(A.dim(1), v -> A.matmul(v).matmul(A));
    return 1.01 * PowerIteration.run(gram, Tensor.randn(rng, A.dim(1)), 100, 0).value();
  }
}
