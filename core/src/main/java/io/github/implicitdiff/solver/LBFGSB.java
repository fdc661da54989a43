package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.DenseSolve;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.projection.Projections;
import io.github.implicitdiff.solver.LineSearches.Point;
import io.github.implicitdiff.solver.LineSearches.Step;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Shapes;
import io.github.implicitdiff.tensor.Tensor;

/**
 * L-BFGS-B (Byrd, Lu, Nocedal and Zhu 1995) for the box-constrained problem min_x f(x, θ_f) s.t. lo ≤ x ≤ hi,
 * f smooth, x of any shape, lo and hi broadcastable to x and possibly infinite (−∞ / +∞: that side unbounded).
 *
 * <p>One iteration at a feasible x_k with gradient g, on the limited-memory quadratic model
 * m(x) = gᵀ(x − x_k) + ½(x − x_k)ᵀB(x − x_k) in the compact representation B = θI − W M Wᵀ
 * (W = [Y, θS] of the last m pairs s_i = x_{i+1} − x_i, y_i = ∇f(x_{i+1}) − ∇f(x_i), θ = yᵀy / sᵀy of the newest,
 * M = [[−D, Lᵀ], [L, θSᵀS]]⁻¹, D = diag(s_iᵀy_i), L the strictly lower part of SᵀY):
 * <ol>
 *   <li>generalized Cauchy point x^c: the first local minimizer of m along the projected steepest-descent path
 *       x(t) = clip(x_k − t g, lo, hi), found by visiting the breakpoints t_i in increasing order and updating
 *       the slope f' and curvature f'' of m on each segment in O(m) (the paper's Algorithm CP);</li>
 *   <li>subspace minimization (the paper's direct primal method): on the free variables F at x^c (not at a
 *       bound), minimize m with the others fixed, d^u = −B̂⁻¹r^c with B̂ = θI − ZᵀWMWᵀZ inverted by the
 *       Sherman–Morrison–Woodbury formula (a 2m×2m system), then truncate: x̄ = x^c + α*d^u with the largest
 *       α* ≤ 1 keeping x̄ in the box;</li>
 *   <li>line search on d = x̄ − x_k (strong Wolfe by default), steps limited to the box (trial points are
 *       clipped to it, which only removes rounding since d is feasible); the first iteration tries
 *       min(1/‖d‖, 1) unless every coordinate is bounded on both sides, later ones 1;</li>
 *   <li>the pair (s, y) is stored unless sᵀy ≤ ε·yᵀy (ε the machine epsilon).</li>
 * </ol>
 * A direction that is not a descent direction, a singular middle matrix or a failed line search resets the
 * memory (then the iteration is a projected-gradient step with a line search). Differences from the Fortran
 * code: the line search is this library's strong Wolfe search ({@link LineSearch}), not Moré–Thuente's dcsrch, and
 * the subspace step is always truncated (the 2011 Morales–Nocedal variant projects it instead). With all bounds
 * infinite there are no breakpoints and d is the L-BFGS direction −B⁻¹g.
 *
 * <p>Optimality condition: exactly {@link ProjectedGradient}'s with {@link Projection#box()} and its default
 * step: F(x, θ) = clip(x − ∇₁f(x, θ_f), lo, hi) − x (η₀ = 1), with the same handling of coordinates at a bound
 * ({@link #withDegeneracyCheck}, {@link #withActiveSetReduction}); GMRES solves the implicit system by default.
 * The solution is differentiable in θ_f and in the bounds. Stopping criterion:
 * error = rms(F(x, θ)) / max(1, rms(x)) ≤ tol (default 1e-8), the quantity ProjectedGradient reports.
 *
 * <p>Differentiation: IMPLICIT (the default) runs the iterations on arrays. UNROLLED records them as JAX would:
 * the breakpoint order, the breakpoints passed, the free set, the blocking coordinate of the truncation and the
 * line search's step are concrete decisions taken on values (by the array code), and the values flow through
 * tensor operations: the Cauchy point from the closed-form slope and curvature of the path's last segment, the
 * subspace step with M and the SMW system by {@link DenseSolve} (K symmetrically scaled to a unit diagonal), the
 * truncation step as (bound − x^c_i)/d^u_i, and the trial points clipped by {@link Projections#box}. On the
 * tests' problems (box QPs, bounded Rosenbrock, n ≤ 10) the converged unrolled derivative equals the implicit one
 * to 1e-7 or better. Caveat, as for {@link LBFGS}: it goes through the pairs' 1/sᵀy, and the derivative of the
 * quasi-Newton matrix does not vanish with the gradient, so on larger ill-conditioned problems it converges slowly
 * or not at all (measured on least squares with e^{1.5j/d}-scaled columns, 0 ≤ w ≤ 0.1, tol 1e-10: relative
 * error of the unrolled gradient 9e-4 at 400×150 after 67 iterations, 3e-7 at 40×20; the same 40×20 problem
 * unbounded, run to tol 1e-12: error 60 for LBFGSB and 0.6 for LBFGS, both useless). Prefer IMPLICIT; UNROLLED is
 * a reference for small problems.
 *
 * <p>θ convention: {@code run(init, θ_f..., lo, hi)}, the last two tensors being the bounds. init is
 * clipped into the box first. The derivative in an infinite bound entry is 0 (the implicit layer sees ±∞ as
 * ±Double.MAX_VALUE, since its JVPs and VJPs take finite inputs; the condition is unchanged).
 *
 * <pre>{@code
 * // non-negative least squares min ½‖Aw − b‖² s.t. w ≥ 0, differentiable in b and in the bounds
 * Objective f = (w, th) -> A.matmul(w).sub(th[0]).square().sum().mul(0.5);
 * LBFGSB solver = LBFGSB.of(f);
 * Tensor w = solver.run(Tensor.zeros(d), b, Tensor.scalar(0), Tensor.scalar(Double.POSITIVE_INFINITY)).orThrow();
 * }</pre>
 */
public final class LBFGSB extends Optimizer<LBFGSB> {
  private static final String NAME = "LBFGSB";
  /** The reference step η₀ of the optimality condition: ProjectedGradient's default (StepSize.backtracking()). */
  private static final double ETA0 = StepSize.backtracking().reference();
  private static final Geometry.ProxMap BOX = (v, eta, bounds) -> Projection.box().apply(v, bounds);
  private static final double EPS = Math.ulp(1.0);
  /** The dense solves' threshold on the reciprocal condition estimate: {@link DenseSolve}'s default (Lu.factor's). */
  private static final double MIN_RECIPROCAL_CONDITION = 1e-14;

  private final Objective f;
  private final int memory;
  private final LineSearch lineSearch;
  private final ActiveSetReduction activeSet;

  private LBFGSB(OptimizerSettings settings, Objective f, int memory, LineSearch lineSearch, ActiveSetReduction activeSet) {
    super(settings);
    this.f = f;
    this.memory = memory;
    this.lineSearch = lineSearch;
    this.activeSet = activeSet;
  }

  /** L-BFGS-B with memory 10, strong Wolfe line search, at most 1 000 iterations, tol 1e-8. */
  public static LBFGSB of(Objective f) {
    if (f == null) throw new IllegalArgumentException(NAME + ": the objective must not be null");
    return new LBFGSB(OptimizerSettings.defaults(1_000), f, 10, LineSearch.wolfe(), null);
  }

  @Override
  LBFGSB with(OptimizerSettings s) {
    return new LBFGSB(s, f, memory, lineSearch, activeSet);
  }

  /** The number m ≥ 1 of (s, y) pairs kept. */
  public LBFGSB withMemory(int value) {
    if (value < 1) throw new IllegalArgumentException(NAME + ": memory must be ≥ 1, got " + value);
    return new LBFGSB(settings, f, value, lineSearch, activeSet);
  }

  /** The line search on the feasible direction (default {@link LineSearch#wolfe()}). */
  public LBFGSB withLineSearch(LineSearch value) {
    if (value == null) throw new IllegalArgumentException(NAME + ": lineSearch must not be null");
    return new LBFGSB(settings, f, memory, value, activeSet);
  }

  /**
   * Detects coordinates at a bound with zero gradient (use {@link DegeneracyCheck#box()}; default none), as
   * {@link ProjectedGradient#withDegeneracyCheck}: they are listed in the result's degeneracy and the implicit
   * derivative holds them at their bound.
   */
  public LBFGSB withDegeneracyCheck(DegeneracyCheck test) {
    if (test == null) throw new IllegalArgumentException(NAME + ": degeneracy test must not be null");
    return with(settings.withDegeneracyCheck(test));
  }

  /**
   * Differentiates through the active-set-reduced condition ({@link ActiveSetReduction#box()}): a symmetric
   * system on the free coordinates, solved by CG, instead of the full fixed-point system; null (the default)
   * turns it off. As {@link ProjectedGradient#withActiveSetReduction}.
   */
  public LBFGSB withActiveSetReduction(ActiveSetReduction value) {
    return new LBFGSB(settings, f, memory, lineSearch, value);
  }

  public int memory() {
    return memory;
  }

  public LineSearch lineSearch() {
    return lineSearch;
  }

  public ActiveSetReduction activeSetReduction() {
    return activeSet;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String remedies() {
    return DescentLoop.LINE_SEARCH_REMEDIES;
  }

  /** F(x, θ) = clip(x − ∇₁f(x, θ_f), lo, hi) − x, θ = (θ_f..., lo, hi): ProjectedGradient's with the box. */
  @Override
  public Optimality optimality() {
    return ProximalMethod.proximalResidual(NAME, f, Geometry.euclidean(BOX), ETA0, 2, "bounds");
  }

  /**
   * Minimizes f over the box from init (clipped into it).
   *
   * @param theta θ_f..., lo, hi
   * @throws IllegalArgumentException when θ has fewer than two tensors, a bound is NaN, lo &gt; hi somewhere, or a
   *     side is bounded by the wrong infinity (lo = +∞ or hi = −∞)
   * @throws ShapeException when a bound does not broadcast to init's shape
   */
  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    requireInputs(init, theta);
    Tensor[] finite = theta.clone();
    for (int b = theta.length - 2; b < theta.length; b++) finite[b] = finiteBound(theta[b]);
    return ProximalMethod.runFixedPoint(this, f, BOX, ETA0, 2, "bounds", activeSet,
        (x0, split) -> minimize(x0, split.objective(), split.operator()[0], split.operator()[1]), init, finite);
  }

  /**
   * The bound with ±∞ replaced by ±Double.MAX_VALUE (the derivative of those entries is 0): the implicit layer's
   * JVP and VJP take finite inputs only, and clip(v, −MAX_VALUE, MAX_VALUE) = v for every finite v, so the
   * optimality condition is unchanged. The iterations read ±MAX_VALUE as unbounded again.
   */
  private static Tensor finiteBound(Tensor bound) {
    if (bound.concrete().allFinite()) return bound;
    double[] v = bound.concrete().toDoubleArray(), mask = new double[v.length], replacement = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      if (Double.isInfinite(v[i])) {
        mask[i] = 1;
        replacement[i] = Math.copySign(Double.MAX_VALUE, v[i]);
      }
    }
    return Tensor.where(Tensor.fromArray(mask, bound.shape()), Tensor.fromArray(replacement, bound.shape()), bound);
  }

  private static double unbounded(double bound) {
    return Math.abs(bound) == Double.MAX_VALUE ? Math.copySign(Double.POSITIVE_INFINITY, bound) : bound;
  }

  @Override
  void requireInputs(Tensor init, Tensor[] theta) {
    if (theta == null || theta.length < 2)
      throw new IllegalArgumentException(NAME + ": θ must end with the bounds (lo, hi): pass run(init, θ_f..., lo, hi), got "
          + (theta == null ? "null" : theta.length + " tensor(s)"));
    Tensor[] objective = java.util.Arrays.copyOf(theta, theta.length - 2);
    Guards.requireInputs(NAME, init, objective);
    String[] names = {"lo", "hi"};
    for (int b = 0; b < 2; b++) {
      Tensor t = theta[theta.length - 2 + b];
      if (t == null) throw new IllegalArgumentException(NAME + ": the bound " + names[b] + " is null");
      if (!Shapes.broadcastsTo(t.shape(), init.shape()))
        throw new ShapeException(NAME + ": the bound " + names[b] + " has shape " + t.shapeString()
            + ", which does not broadcast to init's shape " + init.shapeString());
    }
    int[] shape = init.shape();
    double[] lo = theta[theta.length - 2].concrete().broadcastTo(shape).toDoubleArray();
    double[] hi = theta[theta.length - 1].concrete().broadcastTo(shape).toDoubleArray();
    for (int i = 0; i < lo.length; i++) {
      if (Double.isNaN(lo[i]) || Double.isNaN(hi[i]))
        throw new IllegalArgumentException(NAME + ": the bound " + (Double.isNaN(lo[i]) ? "lo" : "hi") + " is NaN at flat index "
            + i + "; use ±Infinity for an unbounded coordinate");
      if (lo[i] > hi[i])
        throw new IllegalArgumentException(NAME + ": lo > hi at flat index " + i + " (" + lo[i] + " > " + hi[i] + "); the box is empty");
      if (lo[i] == Double.POSITIVE_INFINITY || hi[i] == Double.NEGATIVE_INFINITY)
        throw new IllegalArgumentException(NAME + ": the box is empty at flat index " + i + " (lo = " + lo[i] + ", hi = " + hi[i]
            + "); use lo = -Infinity / hi = +Infinity for an unbounded side");
    }
  }

  // ------------------------------------------------------------------------------------ the iterations

  /** The loop; IMPLICIT runs it on concrete θ (arrays only), UNROLLED on θ as given (also in tensor operations). */
  private SolverResult minimize(Tensor init, Tensor[] thetaF, Tensor loT, Tensor hiT) {
    int[] shape = init.shape();
    int n = init.size();
    double[] lo = loT.concrete().broadcastTo(shape).toDoubleArray(), hi = hiT.concrete().broadcastTo(shape).toDoubleArray();
    for (int i = 0; i < n; i++) {
      lo[i] = unbounded(lo[i]);
      hi[i] = unbounded(hi[i]);
    }
    boolean constrained = false, boxed = true;
    for (int i = 0; i < n; i++) {
      boolean l = lo[i] > Double.NEGATIVE_INFINITY, h = hi[i] < Double.POSITIVE_INFINITY;
      constrained |= l || h;
      boxed &= l && h;
    }
    // the bounds as tensors (traced under UNROLLED), for the traced iterations; ±MAX_VALUE stands for ±∞ there
    Tensor loB = loT.broadcastTo(shape), hiB = hiT.broadcastTo(shape);
    Point p = Point.of(f, Projections.box(init, loB, hiB), thetaF);
    double[] x;
    Guards.requireFiniteStart(NAME, p.value(), p.grad());
    java.util.function.UnaryOperator<Tensor> snap = t -> t.isTraced() ? Projections.box(t, loB, hiB)
        : Tensor.fromArray(clip(t.toDoubleArray(), lo, hi), shape);
    Memory mem = new Memory(n, memory);
    double error = Double.NaN, initialError = Double.NaN;
    for (int k = 0; k < maxIterations(); k++) {
      x = p.x().toDoubleArray();
      double[] g = p.grad().toDoubleArray();
      error = projectedGradientError(x, g, lo, hi);
      if (k == 0) initialError = error;
      if (error <= tol()) return new SolverResult(p.x(), k, error, true);
      Guards.requireNotDiverging(NAME, k, "L-BFGS-B", initialError, error);
      Step step = null;
      boolean traced = p.x().isTraced() || p.grad().isTraced();
      for (int attempt = 0; step == null; attempt++) {
        double[] d = mem.direction(x, g, lo, hi);
        if (!(dot(g, d) < 0) && !mem.isEmpty()) { // not a descent direction: restart from projected steepest descent
          mem.reset();
          d = mem.direction(x, g, lo, hi);
        }
        if (!(dot(g, d) < 0))
          throw new NotConvergedException(NAME + ": no descent direction at iteration " + k + " although the projected-gradient"
              + " error is " + error + " > tol " + tol() + "; check that the gradient of the objective is correct");
        double maxStep = mem.isEmpty() ? (constrained ? 1 : Double.POSITIVE_INFINITY) : maxFeasibleStep(x, d, lo, hi);
        double alpha0 = mem.isEmpty() && !boxed ? Math.min(1 / Math.sqrt(dot(d, d)), maxStep) : Math.min(1, maxStep);
        // traced (UNROLLED): the same direction recomputed in tensor operations with the decisions just taken
        Tensor direction = traced ? mem.tracedDirection(p.x().reshape(-1), p.grad().reshape(-1), loB.reshape(-1), hiB.reshape(-1))
            .reshape(shape) : Tensor.fromArray(d, shape);
        try {
          step = LineSearches.search(NAME, lineSearch, f, thetaF, p, direction, alpha0, k, new LineSearches.Ray(maxStep, snap));
        } catch (NotConvergedException e) {
          if (mem.isEmpty() || attempt > 0) throw e;
          mem.reset(); // as the Fortran code: drop the memory and retry along the projected gradient path
        }
      }
      double[] s = sub(step.point().x().toDoubleArray(), x), y = sub(step.point().grad().toDoubleArray(), g);
      if (traced) mem.update(s, y, step.point().x().sub(p.x()).reshape(-1), step.point().grad().sub(p.grad()).reshape(-1));
      else mem.update(s, y, null, null);
      p = step.point();
    }
    return new SolverResult(p.x(), maxIterations(), error, false);
  }

  /** rms(clip(x − η₀g, lo, hi) − x) · max(1, 1/η₀) / max(1, rms(x)): the residual of {@link #optimality()}. */
  private static double projectedGradientError(double[] x, double[] g, double[] lo, double[] hi) {
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) r[i] = Math.min(hi[i], Math.max(lo[i], x[i] - ETA0 * g[i])) - x[i];
    return Guards.relativeRms(Tensor.of(r), Tensor.of(x)) * ProximalMethod.residualScale(ETA0);
  }

  /** The largest α with lo ≤ x + αd ≤ hi (∞ when d never meets a bound). */
  private static double maxFeasibleStep(double[] x, double[] d, double[] lo, double[] hi) {
    double max = Double.POSITIVE_INFINITY;
    for (int i = 0; i < x.length; i++) {
      if (d[i] > 0 && hi[i] < Double.POSITIVE_INFINITY) max = Math.min(max, Math.max(0, (hi[i] - x[i]) / d[i]));
      else if (d[i] < 0 && lo[i] > Double.NEGATIVE_INFINITY) max = Math.min(max, Math.max(0, (lo[i] - x[i]) / d[i]));
    }
    return max;
  }

  private static double[] clip(double[] v, double[] lo, double[] hi) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Math.min(hi[i], Math.max(lo[i], v[i]));
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  private static double[] sub(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i] - b[i];
    return out;
  }

  /**
   * The limited memory in compact form, B = θI − W M Wᵀ, and the two steps that use it: the generalized Cauchy
   * point and the subspace minimization. Pairs are kept oldest first.
   */
  private static final class Memory {
    private final int n, capacity;
    private final java.util.ArrayList<double[]> s = new java.util.ArrayList<>(), y = new java.util.ArrayList<>();
    private double theta = 1;
    /** M = K⁻¹ (2k×2k, k the number of pairs), null when empty. */
    private double[][] middle;
    /** Under UNROLLED: the pairs as traced tensors (flat), and θ, W (n×2k), M as tensor functions of them. */
    private final java.util.ArrayList<Tensor> sT = new java.util.ArrayList<>(), yT = new java.util.ArrayList<>();
    private Tensor thetaT = Tensor.scalar(1), wT, middleT;
    /** The decisions of the last {@link #direction} call, replayed by {@link #tracedDirection}. */
    private Decisions last;

    /**
     * The concrete decisions of one direction: which coordinates move along −g on the Cauchy path's last segment,
     * which reached their lower or upper bound on the way (the last of them at index {@code lastPassed}, −1 for
     * none), whether the path is a descent path and the last segment's step was clipped to 0, the free set, and
     * the subspace step's truncation (α*, the blocking free position or −1, whether the SMW system was solved).
     */
    private record Decisions(double[] moving, double[] passedLo, double[] passedHi, int lastPassed, boolean descent,
        boolean stepZero, int[] free, double alpha, int blocking, boolean solved) {}

    Memory(int n, int capacity) {
      this.n = n;
      this.capacity = capacity;
    }

    boolean isEmpty() {
      return s.isEmpty();
    }

    void reset() {
      s.clear();
      y.clear();
      sT.clear();
      yT.clear();
      theta = 1;
      middle = null;
      thetaT = Tensor.scalar(1);
      wT = null;
      middleT = null;
    }

    /**
     * Stores (s, y) unless sᵀy ≤ ε yᵀy; rebuilds θ and M (resets when M is singular). {@code sTensor},
     * {@code yTensor}: the same pair as traced tensors under UNROLLED, else null.
     */
    void update(double[] sNew, double[] yNew, Tensor sTensor, Tensor yTensor) {
      double sy = dot(sNew, yNew), yy = dot(yNew, yNew);
      if (!(sy > EPS * yy)) return;
      s.add(sNew);
      y.add(yNew);
      if (sTensor != null) {
        sT.add(sTensor);
        yT.add(yTensor);
      }
      if (s.size() > capacity) {
        s.remove(0);
        y.remove(0);
        if (!sT.isEmpty()) {
          sT.remove(0);
          yT.remove(0);
        }
      }
      if (sTensor != null && sT.size() != s.size()) reset(); // a traced run that began untraced: start its memory afresh
      if (s.isEmpty()) return;
      theta = yy / sy;
      int k = s.size();
      double[][] K = new double[2 * k][2 * k];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          double siyj = dot(s.get(i), y.get(j));
          if (i == j) K[i][i] = -siyj; // −D
          if (i > j) { // L_ij = s_iᵀy_j below the diagonal; Lᵀ in the upper right block
            K[k + i][j] = siyj;
            K[j][k + i] = siyj;
          }
          K[k + i][k + j] = theta * dot(s.get(i), s.get(j));
        }
      }
      try {
        middle = scaledInverse(K);
      } catch (SingularMatrixException | NonFiniteException e) {
        reset();
        return;
      }
      if (!sT.isEmpty()) tensorForm();
    }

    /** θ, W = [Y, θS] and M = K⁻¹ in tensor operations on the traced pairs (the same formulas as above). */
    private void tensorForm() {
      int k = sT.size();
      Tensor S = Tensor.stack(0, sT.toArray(Tensor[]::new)), Y = Tensor.stack(0, yT.toArray(Tensor[]::new)); // k×n
      Tensor sNew = sT.get(k - 1), yNew = yT.get(k - 1);
      thetaT = yNew.dot(yNew).div(sNew.dot(yNew));
      wT = Tensor.concat(0, Y, S.mul(thetaT)).T();
      Tensor SY = S.matmul(Y.T()), eye = Tensor.eye(k);
      double[] lower = new double[k * k];
      for (int i = 0; i < k; i++) for (int j = 0; j < i; j++) lower[i * k + j] = 1;
      Tensor L = SY.mul(Tensor.fromArray(lower, k, k)), D = SY.mul(eye);
      Tensor SS = S.matmul(S.T());
      Tensor K = Tensor.concat(0, Tensor.concat(1, D.neg(), L.T()), Tensor.concat(1, L, SS.mul(thetaT)));
      // the scaling of scaledInverse: σ = |diag K|^(−1/2), M = Σ (ΣKΣ)⁻¹ Σ
      Tensor sigma = Tensor.concat(0, D.sum(1), SS.mul(eye).sum(1).mul(thetaT)).abs().sqrt().reciprocal();
      Tensor outer = sigma.reshape(-1, 1).mul(sigma.reshape(1, -1));
      middleT = DenseSolve.solve(K.mul(outer), Tensor.eye(2 * k)).mul(outer);
    }

    /** The 2k-vector Wᵀv, W = [Y, θS]. */
    private double[] wTimes(double[] v) {
      int k = s.size();
      double[] out = new double[2 * k];
      for (int j = 0; j < k; j++) {
        out[j] = dot(y.get(j), v);
        out[k + j] = theta * dot(s.get(j), v);
      }
      return out;
    }

    /** Row i of W. */
    private double[] wRow(int i) {
      int k = s.size();
      double[] w = new double[2 * k];
      for (int j = 0; j < k; j++) {
        w[j] = y.get(j)[i];
        w[k + j] = theta * s.get(j)[i];
      }
      return w;
    }

    private double[] times(double[] v) {
      int m = v.length;
      double[] out = new double[m];
      for (int i = 0; i < m; i++) out[i] = dot(middle[i], v);
      return out;
    }

    /**
     * d = x̄ − x: the generalized Cauchy point, then the truncated subspace minimizer over its free variables.
     */
    double[] direction(double[] x, double[] g, double[] lo, double[] hi) {
      int k = s.size(), m2 = 2 * k;
      // ---- generalized Cauchy point (BLNZ Algorithm CP)
      // z = x^c − x, kept as a displacement (x + z − x would lose the digits of a small step near convergence)
      double[] t = new double[n], d = new double[n], z = new double[n];
      boolean[] fixed = new boolean[n];
      int breakpoints = 0;
      for (int i = 0; i < n; i++) {
        if (g[i] < 0 && hi[i] < Double.POSITIVE_INFINITY) t[i] = (x[i] - hi[i]) / g[i];
        else if (g[i] > 0 && lo[i] > Double.NEGATIVE_INFINITY) t[i] = (x[i] - lo[i]) / g[i];
        else t[i] = Double.POSITIVE_INFINITY;
        if (t[i] <= 0) {
          t[i] = 0;
          fixed[i] = true; // at a bound, the gradient pushing outwards: stays
        } else {
          d[i] = -g[i];
          if (t[i] < Double.POSITIVE_INFINITY) breakpoints++;
        }
      }
      double[] p = k == 0 ? new double[0] : wTimes(d), c = new double[m2];
      double[] passedLo = new double[n], passedHi = new double[n];
      int lastPassed = -1;
      boolean stepZero = false;
      double dd = dot(d, d);
      double fp = -dd, fpp = theta * dd - (k == 0 ? 0 : dot(p, times(p)));
      double fpp0 = fpp, fp0 = fp;
      if (fp < 0) {
        Integer[] order = new Integer[breakpoints];
        for (int i = 0, j = 0; i < n; i++) if (!fixed[i] && t[i] < Double.POSITIVE_INFINITY) order[j++] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(t[a], t[b]));
        double dtMin = -fp / fpp, tOld = 0;
        for (int j = 0; j < breakpoints; j++) {
          int b = order[j];
          double dt = t[b] - tOld;
          if (dtMin < dt) break;
          // advance to breakpoint b: x_b reaches its bound and leaves the path's moving set
          z[b] = (d[b] > 0 ? hi[b] : lo[b]) - x[b];
          double zb = z[b], gb = g[b];
          for (int q = 0; q < m2; q++) c[q] += dt * p[q];
          double[] wb = k == 0 ? new double[0] : wRow(b);
          double[] Mwb = k == 0 ? new double[0] : times(wb);
          fp += dt * fpp + gb * gb + theta * gb * zb - gb * dot(Mwb, c);
          fpp += -theta * gb * gb - 2 * gb * dot(Mwb, p) - gb * gb * dot(Mwb, wb);
          fpp = Math.max(EPS * fpp0, fpp);
          for (int q = 0; q < m2; q++) p[q] += gb * wb[q];
          if (d[b] > 0) passedHi[b] = 1;
          else passedLo[b] = 1;
          lastPassed = b;
          d[b] = 0;
          fixed[b] = true;
          tOld = t[b];
          dtMin = fp >= 0 ? 0 : -fp / fpp;
        }
        stepZero = !(dtMin > 0);
        dtMin = Math.max(dtMin, 0);
        tOld += dtMin;
        for (int i = 0; i < n; i++) if (!fixed[i] && d[i] != 0) z[i] = tOld * d[i];
        for (int q = 0; q < m2; q++) c[q] += dtMin * p[q];
      }
      keepInBox(z, x, lo, hi);
      // ---- subspace minimization over the free variables (direct primal method)
      int[] free = java.util.stream.IntStream.range(0, n).filter(i -> !fixed[i] && lo[i] < hi[i]).toArray();
      double[] step = z.clone();
      double[] moving = new double[n];
      for (int i = 0; i < n; i++) if (!fixed[i]) moving[i] = 1;
      last = new Decisions(moving, passedLo, passedHi, lastPassed, fp0 < 0, stepZero, free, 1, -1, k > 0);
      if (free.length > 0) {
        double[] Mc = k == 0 ? new double[0] : times(c);
        double[] r = new double[free.length];
        double[][] rows = new double[free.length][];
        for (int a = 0; a < free.length; a++) {
          int i = free[a];
          rows[a] = k == 0 ? new double[0] : wRow(i);
          r[a] = g[i] + theta * z[i] - dot(rows[a], Mc);
        }
        double[] du = new double[free.length];
        for (int a = 0; a < free.length; a++) du[a] = -r[a] / theta;
        if (k > 0) {
          double[] v = new double[m2];
          double[][] WtZZtW = new double[m2][m2];
          for (int a = 0; a < free.length; a++) {
            double[] w = rows[a];
            for (int q = 0; q < m2; q++) {
              v[q] += w[q] * r[a];
              for (int u = 0; u < m2; u++) WtZZtW[q][u] += w[q] * w[u];
            }
          }
          v = times(v);
          double[][] N = new double[m2][m2]; // I − (1/θ) M WᵀZZᵀW
          for (int q = 0; q < m2; q++) {
            for (int u = 0; u < m2; u++) {
              double sum = 0;
              for (int e = 0; e < m2; e++) sum += middle[q][e] * WtZZtW[e][u];
              N[q][u] = (q == u ? 1 : 0) - sum / theta;
            }
          }
          try {
            v = solve(N, v);
            for (int a = 0; a < free.length; a++) du[a] -= dot(rows[a], v) / (theta * theta);
          } catch (SingularMatrixException | NonFiniteException e) {
            // keep the θI part of the model on the free variables: d^u = −r^c/θ
            last = new Decisions(moving, passedLo, passedHi, lastPassed, fp0 < 0, stepZero, free, 1, -1, false);
          }
        }
        // truncate: the largest α* ≤ 1 keeping x^c + α* d^u in the box
        double alpha = 1;
        int blocking = -1;
        for (int a = 0; a < free.length; a++) {
          int i = free[a];
          double limit = du[a] > 0 ? (hi[i] - x[i] - z[i]) / du[a] : du[a] < 0 ? (lo[i] - x[i] - z[i]) / du[a] : Double.POSITIVE_INFINITY;
          if (limit < alpha) {
            alpha = Math.max(0, limit);
            blocking = a;
          }
        }
        last = new Decisions(moving, passedLo, passedHi, lastPassed, fp0 < 0, stepZero, free, alpha, blocking, last.solved());
        for (int a = 0; a < free.length; a++) step[free[a]] = z[free[a]] + alpha * du[a];
        if (blocking >= 0) { // exactly on the blocking bound, not a rounding away from it
          int i = free[blocking];
          step[i] = (du[blocking] > 0 ? hi[i] : lo[i]) - x[i];
        }
        keepInBox(step, x, lo, hi);
      }
      return step;
    }

    /** d with d_i = bound − x_i where x_i + d_i rounded past a bound. */
    private static void keepInBox(double[] d, double[] x, double[] lo, double[] hi) {
      for (int i = 0; i < d.length; i++) {
        if (x[i] + d[i] > hi[i]) d[i] = hi[i] - x[i];
        else if (x[i] + d[i] < lo[i]) d[i] = lo[i] - x[i];
      }
    }

    /** {@link #keepInBox} in tensor operations, with the coordinates to move onto a bound decided on values. */
    private static Tensor keepInBox(Tensor d, Tensor x, Tensor lo, Tensor hi) {
      double[] dv = d.concrete().toDoubleArray(), xv = x.concrete().toDoubleArray(), l = lo.concrete().toDoubleArray(),
          h = hi.concrete().toDoubleArray(), over = new double[dv.length], under = new double[dv.length];
      boolean any = false;
      for (int i = 0; i < dv.length; i++) {
        if (xv[i] + dv[i] > h[i]) over[i] = 1;
        else if (xv[i] + dv[i] < l[i]) under[i] = 1;
        any |= over[i] + under[i] > 0;
      }
      if (!any) return d;
      return Tensor.where(Tensor.of(over), hi.sub(x), Tensor.where(Tensor.of(under), lo.sub(x), d));
    }

    /**
     * The direction of the last {@link #direction} call in tensor operations on traced x, g and bounds (flat), as
     * JAX would trace it: the breakpoints passed, the free set and the blocking coordinate are the concrete
     * decisions; the values flow through the formulas. On the Cauchy path's last segment, with d = −g on the
     * moving coordinates and z the displacement at its start (bound − x on the passed ones, t_j d on the
     * moving ones, t_j the last breakpoint), f' = gᵀd + θdᵀz − (Wᵀd)ᵀM(Wᵀz), f'' = θdᵀd − (Wᵀd)ᵀM(Wᵀd), and
     * x^c = x + z + max(0, −f'/f'') d; then the subspace step as in {@link #direction}.
     */
    Tensor tracedDirection(Tensor x, Tensor g, Tensor lo, Tensor hi) {
      Decisions dec = last;
      int k = sT.size();
      boolean memory = k > 0 && wT != null;
      Tensor zero = Tensor.zeros(n);
      Tensor z = zero; // x^c − x
      if (dec.descent()) {
        Tensor dj = g.neg().mul(Tensor.of(dec.moving()));
        Tensor tj = Tensor.scalar(0);
        if (dec.lastPassed() >= 0) {
          int[] b = {dec.lastPassed()};
          Tensor bound = (dec.passedHi()[b[0]] == 1 ? hi : lo).take(b, 0);
          tj = x.take(b, 0).sub(bound).div(g.take(b, 0)).reshape();
        }
        Tensor zj = Tensor.where(Tensor.of(dec.passedLo()), lo.sub(x), zero).add(Tensor.where(Tensor.of(dec.passedHi()), hi.sub(x), zero))
            .add(dj.mul(tj));
        if (!dec.stepZero()) {
          Tensor fp = g.dot(dj).add(thetaT.mul(dj.dot(zj))), fpp = thetaT.mul(dj.dot(dj));
          if (memory) {
            Tensor p = wT.T().matmul(dj), c = wT.T().matmul(zj);
            fp = fp.sub(p.dot(middleT.matmul(c)));
            fpp = fpp.sub(p.dot(middleT.matmul(p)));
          }
          zj = zj.add(dj.mul(fp.neg().div(fpp)));
        }
        z = keepInBox(zj, x, lo, hi);
      }
      int[] free = dec.free();
      if (free.length == 0) return z;
      Tensor r = g.add(z.mul(thetaT));
      if (memory) r = r.sub(wT.matmul(middleT.matmul(wT.T().matmul(z))));
      r = r.take(free, 0);
      Tensor du = r.neg().div(thetaT);
      if (memory && dec.solved()) {
        Tensor A = wT.take(free, 0);
        Tensor v = middleT.matmul(A.T().matmul(r));
        Tensor N = Tensor.eye(2 * k).sub(middleT.matmul(A.T().matmul(A)).div(thetaT));
        du = du.sub(A.matmul(DenseSolve.solve(N, v)).div(thetaT.square()));
      }
      Tensor alpha = Tensor.scalar(dec.alpha());
      if (dec.blocking() >= 0 && dec.alpha() > 0) {
        int[] i = {free[dec.blocking()]}, a = {dec.blocking()};
        Tensor bound = (du.concrete().toDoubleArray()[a[0]] > 0 ? hi : lo).take(i, 0);
        alpha = bound.sub(x.take(i, 0)).sub(z.take(i, 0)).div(du.take(a, 0)).reshape();
      }
      Tensor step = z.add(ActiveSetSolve.scatter(free, new int[] {n}).apply(du.mul(alpha)));
      if (dec.blocking() >= 0) { // exactly on the blocking bound
        int i = free[dec.blocking()];
        double[] mask = new double[n];
        mask[i] = 1;
        step = Tensor.where(Tensor.of(mask), (du.concrete().toDoubleArray()[dec.blocking()] > 0 ? hi : lo).sub(x), step);
      }
      return keepInBox(step, x, lo, hi);
    }

    /**
     * K⁻¹ as Σ (ΣKΣ)⁻¹ Σ with Σ = diag(|K_ii|^(−1/2)): the pairs' sᵀy and θsᵀs span many orders of magnitude near
     * convergence, which the unit-diagonal ΣKΣ removes from the condition number; factored with the same
     * reciprocal-condition threshold as {@link DenseSolve} (the traced path), so that both decide alike.
     */
    private static double[][] scaledInverse(double[][] K) {
      int m = K.length;
      double[] sigma = new double[m];
      for (int i = 0; i < m; i++) sigma[i] = 1 / Math.sqrt(Math.abs(K[i][i]));
      double[][] a = new double[m][m];
      for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) a[i][j] = K[i][j] * sigma[i] * sigma[j];
      double[][] out = new double[m][];
      io.github.implicitdiff.linalg.Lu lu = io.github.implicitdiff.linalg.Lu.factor(a, MIN_RECIPROCAL_CONDITION);
      double[][] inverse = lu.solve(Tensor.eye(m)).toArray2d();
      for (int i = 0; i < m; i++) {
        out[i] = new double[m];
        for (int j = 0; j < m; j++) out[i][j] = inverse[i][j] * sigma[i] * sigma[j];
      }
      return out;
    }

    private static double[] solve(double[][] a, double[] b) {
      return io.github.implicitdiff.linalg.Lu.factor(a, MIN_RECIPROCAL_CONDITION).solve(Tensor.of(b)).toDoubleArray();
    }
  }
}
