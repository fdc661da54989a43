package io.github.implicitdiff.implicit;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.Linearization;
import io.github.implicitdiff.autodiff.VjpResult;
import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.LinearSolution;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.JointPrimitive;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * x*(θ), the root of F(x, θ) = 0 in x (x a vector of length n), as a primitive whose inputs are θ.
 *
 * <p>With A = ∂₁F(x*, θ) and B = ∂₂F(x*, θ), the implicit function theorem gives A ∂x* = −B:
 * <ul>
 *   <li>JVP: u solves A u = −B v. u is itself the root of the linear G(u; x*, θ, v) = A u + B v.</li>
 *   <li>VJP: w solves Aᵀ w = −g and the θ-cotangent is Bᵀ w. w is the root of
 *       H(w; x*, θ, g) = Aᵀ w + g.</li>
 * </ul>
 * Both rules return a new RootPrimitive (for G or H) applied to (x*, θ, v) or (x*, θ, g), so that
 * derivatives of derivatives are again implicit: Hessians and Jacobians through the solver work in any
 * mode combination. Every product by A, Aᵀ, B, Bᵀ is a JVP or VJP of F.
 */
final class RootPrimitive implements JointPrimitive {
  private final String name;
  private final Optimality F;
  private final Function<Tensor[], Tensor> solver;
  private final LinearSolver linearSolver;
  private final ImplicitOptions options;
  private final ImplicitDiagnostics.Stage stage;
  /** The solution whose ∂₁F the singularity probe last verified (identity), so that it runs once per solution. */
  private volatile Tensor probedAt;
  /** The residual check's recording of F at the last solution, which the derivative rules at that point reuse. */
  private volatile Recorded lastRecorded;

  /** F linearized at (x, θ) (identities: the primal tensors the rules receive). */
  private record Recorded(Tensor x, Tensor[] theta, Linearization lin) {
    boolean isAt(Tensor x, Tensor[] theta) {
      if (this.x != x || this.theta.length != theta.length) return false;
      for (int i = 0; i < theta.length; i++) if (this.theta[i] != theta[i]) return false;
      return true;
    }
  }

  /** Whether a derivative of this application may be taken (θ traced): the residual check then records F. */
  private final boolean differentiated;

  RootPrimitive(String name, Optimality F, Function<Tensor[], Tensor> solver, LinearSolver linearSolver,
      ImplicitOptions options, ImplicitDiagnostics.Stage stage) {
    this(name, F, solver, linearSolver, options, stage, false);
  }

  /**
   * @param differentiated true when θ is traced, so that a JVP or VJP of this application may follow: the residual
   *     check then records F (one evaluation) for the derivative rules to reuse at this solution
   */
  RootPrimitive(String name, Optimality F, Function<Tensor[], Tensor> solver, LinearSolver linearSolver,
      ImplicitOptions options, ImplicitDiagnostics.Stage stage, boolean differentiated) {
    this.differentiated = differentiated;
    this.name = name;
    this.F = F;
    this.solver = solver;
    this.linearSolver = linearSolver;
    this.options = options;
    this.stage = stage;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Tensor eval(Tensor... theta) {
    Tensor x = solver.apply(theta);
    if (x.isTraced())
      throw new ImplicitConditionException(name + ": the solver returned a traced tensor: it closes over a tensor that is"
          + " being differentiated; pass that tensor as an argument θ instead");
    if (x.ndim() != 1)
      throw new ShapeException(name + ": the solver returned shape " + x.shapeString() + ", expected a vector");
    x.requireFinite(name + ": solver output");
    if (stage == ImplicitDiagnostics.Stage.SOLVE) checkResidual(x, theta);
    return x;
  }

  /** rms(F(x*, θ)) ≤ tol · max(1, rms(x*)), else an exception (or a warning under WARN). */
  private void checkResidual(Tensor x, Tensor[] theta) {
    int n = x.dim(0);
    Tensor r;
    Linearization lin = null;
    try {
      // recorded when a JVP or VJP at this solution may follow, so that it evaluates F no more (θ non-finite:
      // evaluated, and reported below)
      if (differentiated && Arrays.stream(theta).allMatch(Tensor::allFinite)) {
        lin = linearizeF(x, theta);
        r = lin.out();
      } else {
        r = F.apply(x, theta);
      }
    } catch (ShapeException e) {
      throw new ShapeException(name + ": F failed on the solver's output x (flattened to " + x.shapeString()
          + "): " + e.getMessage() + "; check that the solver returns x in the shape F expects (and the shapes inside F)");
    }
    if (r.isTraced())
      throw new ImplicitConditionException(name + ": the optimality function closes over a tensor that is being"
          + " differentiated, so its derivative would be lost; pass that tensor as an argument θ instead");
    if (!Arrays.equals(r.shape(), x.shape()))
      throw new ShapeException(name + ": F(x, θ) has shape " + r.shapeString() + " but x has shape " + x.shapeString());
    double rms = r.norm2() / Math.sqrt(Math.max(1, n));
    if (!Double.isFinite(rms)) // x is finite (checked above): the NaN comes from θ or from data F closes over
      throw new NonFiniteException(name + ": F(x, θ) is not finite (rms " + rms + ") at the solver's finite output x;"
          + " check θ and the data F closes over for NaN or infinity, and F for invalid operations (log of a"
          + " negative, division by zero)");
    double scale = Math.max(1, x.norm2() / Math.sqrt(Math.max(1, n)));
    String warning = null;
    if (!(rms <= options.residualTolerance() * scale)) {
      warning = name + ": the solver's output does not satisfy F(x, θ) = 0: rms(F) = " + rms + " > tolerance "
          + options.residualTolerance() * scale + " (residualTolerance " + options.residualTolerance()
          + " · max(1, rms(x))); solve more accurately, or raise residualTolerance; the implicit derivative would be"
          + " inaccurate";
      if (options.policy() == ImplicitOptions.CheckPolicy.THROW) throw new ImplicitConditionException(warning);
    }
    options.report(new ImplicitDiagnostics(stage, n, rms, null, warning));
    if (lin != null) lastRecorded = new Recorded(x, theta.clone(), lin);
  }

  // ---------------------------------------------------------------- derivative rules

  @Override
  public Tensor jvpAll(Tensor[] dTheta, Tensor out, Tensor... theta) {
    int m = theta.length, n = out.dim(0);
    int[] active = java.util.stream.IntStream.range(0, m).filter(i -> dTheta[i] != null).toArray();
    if (active.length == 0) return null;
    // params P = (x*, θ_1..θ_m, v_a for a in active)
    Tensor[] P = new Tensor[1 + m + active.length];
    P[0] = out;
    System.arraycopy(theta, 0, P, 1, m);
    for (int k = 0; k < active.length; k++) P[1 + m + k] = dTheta[active[k]];
    Optimality G = (u, p) -> {
      Tensor[] primals = Arrays.copyOfRange(p, 0, 1 + m);
      Tensor[] tangents = new Tensor[1 + m];
      tangents[0] = u;
      for (int i = 0; i < m; i++) tangents[1 + i] = Tensor.zerosLike(p[1 + i]);
      for (int k = 0; k < active.length; k++) tangents[1 + active[k]] = p[1 + m + k];
      return AD.jvp(z -> new Tensor[] {F.apply(z[0], Arrays.copyOfRange(z, 1, z.length))}, primals, tangents).outTangent();
    };
    int[] activeInputs = Arrays.stream(active).map(i -> 1 + i).toArray(); // θ_a's index among F's inputs (x, θ)
    Function<Tensor[], Tensor> solveG = p -> {
      Linearization lin = linearizationAt(p[0], Arrays.copyOfRange(p, 1, 1 + m));
      // b = −∂₂F v from the same recording as A's products: F runs once per JVP
      Tensor b = concreteOrThrow(lin.pushforwardOf(activeInputs).apply(Arrays.copyOfRange(p, 1 + m, p.length))[0]).neg();
      LinearOperator A = jacobianOperator(lin, n);
      // a symmetric-declared operator applies Aᵀ for A: harmless for VJPs, the transposed system for JVPs
      if (A.isSymmetric()) {
        String asymmetry = asymmetry(A);
        if (asymmetry != null) throw new ImplicitConditionException(name + ": " + asymmetry);
      }
      probeOnce(out, A);
      return linearSolve(A, b, ImplicitDiagnostics.Stage.JVP);
    };
    return Tensor.apply(new RootPrimitive(name + " JVP", G, solveG, linearSolver, options, ImplicitDiagnostics.Stage.JVP), P);
  }

  @Override
  public Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... theta) {
    int m = theta.length;
    // params P = (x*, θ_1..θ_m, g)
    Tensor[] P = new Tensor[m + 2];
    P[0] = out;
    System.arraycopy(theta, 0, P, 1, m);
    P[m + 1] = g;
    Optimality H = (w, p) -> {
      Tensor[] th = Arrays.copyOfRange(p, 1, 1 + m);
      return AD.vjp(x -> F.apply(x, th), p[0], w).add(p[m + 1]);
    };
    Linearization[] recorded = new Linearization[1];
    Function<Tensor[], Tensor> solveH = p -> {
      Linearization lin = linearizationAt(p[0], Arrays.copyOfRange(p, 1, 1 + m));
      recorded[0] = lin;
      LinearOperator At = jacobianOperator(lin, p[0].dim(0)).transpose();
      probeOnce(out, At);
      return linearSolve(At, p[m + 1].neg(), ImplicitDiagnostics.Stage.VJP);
    };
    Tensor w = Tensor.apply(new RootPrimitive(name + " VJP", H, solveH, linearSolver, options, ImplicitDiagnostics.Stage.VJP), P);
    // θ-cotangents Bᵀ w
    Tensor[] ct;
    if (recorded[0] != null && !w.isTraced() && !out.isTraced() && Arrays.stream(theta).noneMatch(Tensor::isTraced)) {
      // first order: the pullback of the recording A's products used, to the needed θ (F runs once per VJP)
      int[] neededInputs = java.util.stream.IntStream.range(0, m).filter(i -> needed[i]).map(i -> 1 + i).toArray();
      Tensor[] c = recorded[0].pullbackOf(neededInputs).apply(w);
      ct = new Tensor[m];
      for (int k = 0; k < neededInputs.length; k++) ct[neededInputs[k] - 1] = concreteOrThrow(c[k]);
    } else {
      // a derivative of this VJP is being taken: Bᵀ w in traced tensor operations, the vjp of θ ↦ F(x*, θ) at w
      VjpResult r = AD.vjp(th -> new Tensor[] {F.apply(out, th)}, theta);
      ct = r.pullback().apply(w);
      for (int i = 0; i < m; i++) if (!needed[i]) ct[i] = null;
    }
    return ct;
  }

  /** The residual check's recording when it was made at exactly (x, θ), else a new one. */
  private Linearization linearizationAt(Tensor x, Tensor[] theta) {
    Recorded last = lastRecorded;
    return last != null && last.isAt(x, theta) ? last.lin() : linearizeF(x, theta);
  }

  /**
   * F linearized once at (x, θ) on concrete values, in x and θ together: one evaluation of F serves every product
   * with A = ∂₁F ({@link #jacobianOperator}) and with B = ∂₂F.
   */
  private Linearization linearizeF(Tensor x, Tensor[] theta) {
    Tensor[] at = new Tensor[1 + theta.length];
    at[0] = x.concrete();
    for (int i = 0; i < theta.length; i++) at[1 + i] = theta[i].concrete();
    return AD.linearize(z -> new Tensor[] {F.apply(z[0], Arrays.copyOfRange(z, 1, z.length))}, at);
  }

  /**
   * A = ∂₁F(x, θ) as a matrix-free operator on concrete values, from the linearization of F at (x, θ) (one
   * recorded evaluation, reused for every product): A v is its pushforward in x and Aᵀ v its pullback to x, so no
   * product evaluates F again. When F is declared symmetric (a gradient), A v is the pullback too.
   */
  private LinearOperator jacobianOperator(Linearization lin, int n) {
    var pullback = lin.pullbackOf(0);
    java.util.function.UnaryOperator<Tensor> rmatvec = v -> concreteOrThrow(pullback.apply(v)[0]);
    boolean symmetric = options.symmetric() || linearSolver.requiresSymmetric();
    if (symmetric) return LinearOperator.of(n, rmatvec, rmatvec, true);
    var pushforward = lin.pushforwardOf(0);
    return LinearOperator.of(n, v -> concreteOrThrow(pushforward.apply(v)[0]), rmatvec, false);
  }

  /**
   * Null when A is symmetric on a random pair (uᵀAv = vᵀAu to 1e-6 relative; two products), else a message
   * saying that ∂₁F is not symmetric although the linear solver or {@code withSymmetric(true)} assumes it.
   */
  private String asymmetry(LinearOperator A) {
    int n = A.size();
    java.util.Random rng = new java.util.Random(0x5717 + n);
    double[] uv = new double[n], vv = new double[n];
    for (int i = 0; i < n; i++) {
      uv[i] = rng.nextGaussian();
      vv[i] = rng.nextGaussian();
    }
    Tensor u = Tensor.of(uv), v = Tensor.of(vv), Au = A.apply(u), Av = A.apply(v);
    double uAv = u.vdot(Av), vAu = v.vdot(Au);
    double scale = u.norm2() * Av.norm2() + v.norm2() * Au.norm2();
    if (Math.abs(uAv - vAu) <= 1e-6 * scale) return null;
    return "∂₁F is not symmetric (uᵀ∂₁F v = " + uAv + " but vᵀ∂₁F u = " + vAu + " for random u, v), but "
        + (linearSolver.requiresSymmetric() ? "the linear solver (CG)" : "ImplicitOptions.withSymmetric(true)")
        + " assumes it is, which holds only when F is the gradient of an objective; use LinearSolvers.gmres()"
        + " (customRoot's default) or lu(), without withSymmetric(true)";
  }

  private Tensor concreteOrThrow(Tensor t) {
    if (t.isTraced())
      throw new ImplicitConditionException(name + ": the optimality function closes over a tensor that is being"
          + " differentiated, so its derivative would be lost; pass that tensor as an argument θ instead");
    return t;
  }

  /**
   * {@link ImplicitOptions#withSingularityProbe}: solves A z = A r for a fixed pseudo-random r and throws when z
   * misses r, once per solution x* (A is ∂₁F or its transpose: both are singular together).
   */
  private void probeOnce(Tensor solution, LinearOperator A) {
    if (!options.singularityProbe() || probedAt == solution) return;
    int n = A.size();
    java.util.Random rng = new java.util.Random(0x5eed + n);
    double[] rv = new double[n];
    for (int i = 0; i < n; i++) rv[i] = rng.nextGaussian();
    Tensor r = Tensor.of(rv);
    Tensor z = linearSolve(A, A.apply(r), ImplicitDiagnostics.Stage.PROBE);
    double miss = z.sub(r).norm2() / r.norm2();
    if (!(miss <= ImplicitOptions.PROBE_TOLERANCE))
      throw new SingularMatrixException(name + ": ∂₁F is singular (or nearly) at the solution: the singularity probe"
          + " solved ∂₁F z = ∂₁F r for a random r and missed r by " + miss + " (relative; tolerance "
          + ImplicitOptions.PROBE_TOLERANCE + "), so part of r lies in a null space: the root is not isolated and x*(θ)"
          + " is not differentiable there");
    probedAt = solution;
  }

  private Tensor linearSolve(LinearOperator A, Tensor b, ImplicitDiagnostics.Stage s) {
    String what = switch (s) {
      case JVP -> "∂₁F u = −∂₂F v";
      case PROBE -> "the singularity probe ∂₁F z = ∂₁F r";
      default -> "(∂₁F)ᵀ w = −g";
    };
    b.requireFinite(name + ": right-hand side of " + what);
    LinearSolution sol;
    try {
      sol = linearSolver.solve(A, b);
    } catch (SingularMatrixException e) {
      throw new SingularMatrixException(name + ": ∂₁F is singular or ill-conditioned at the solution (for example a"
          + " degenerate KKT point or a non-isolated root), so x*(θ) is not differentiable there: " + e.getMessage());
    } catch (NotConvergedException e) {
      String asymmetry = A.isSymmetric() || linearSolver.requiresSymmetric() ? asymmetry(A) : null;
      throw new NotConvergedException(name + ": the linear solve of " + what + " did not converge ("
          + (asymmetry != null ? asymmetry : "∂₁F may be singular or ill-conditioned") + "): " + e.getMessage());
    }
    String warning = null;
    if (!sol.converged()) {
      warning = name + ": the linear solve of " + what + " (" + sol.method() + ") stopped after " + sol.iterations()
          + " iterations at relative residual " + sol.relativeResidual() + " without reaching its tolerance";
      if (options.policy() == ImplicitOptions.CheckPolicy.THROW) throw new NotConvergedException(warning);
    }
    options.report(new ImplicitDiagnostics(s, A.size(), Double.NaN, sol, warning));
    return sol.x();
  }
}
