package io.github.implicitdiff.linalg;

/**
 * Restarted GMRES(m) with right preconditioning for a general square (A + εI) x = b: each cycle builds an
 * orthonormal Krylov basis V of K_k((A + εI) M⁻¹, r₀) by Arnoldi (modified Gram–Schmidt, applied twice)
 * and picks x = x₀ + M⁻¹ V y minimising ‖b − (A + εI) x‖ through Givens rotations of the Hessenberg
 * matrix. One iteration is one Arnoldi step (one product with A). Stops when the minimised residual is
 * ≤ tol ‖b‖, then checks the true residual and restarts from it if needed. Defaults: restart m = 30
 * (capped at n), budget max(10 n, 100) iterations in total. A cycle that does not lower the residual
 * at all is stagnation (reported as non-convergence); an invariant Krylov space on which the least-squares
 * problem is singular proves (A + εI) singular with b outside its range ({@link SingularMatrixException}).
 *
 * <pre>{@code
 * LinearOperator A = LinearOperator.dense(Tensor.of(new double[][] {{2, 1}, {-1, 3}}));
 * Tensor x = LinearSolvers.gmres().withRestart(10).solve(A, Tensor.of(1, 2)).x();   // [1/7, 5/7]
 * }</pre>
 */
public final class Gmres extends IterativeSolver<Gmres> {
  /** Default restart length m. */
  public static final int DEFAULT_RESTART = 30;

  private final int restart;

  Gmres(IterativeSettings settings, int restart) {
    super(settings);
    this.restart = restart;
  }

  @Override
  Gmres with(IterativeSettings settings) {
    return new Gmres(settings, restart);
  }

  /** The same solver with restart length m ≥ 1 (the basis holds m + 1 vectors of length n). */
  public Gmres withRestart(int m) {
    if (m < 1) throw new IllegalArgumentException("gmres: restart must be at least 1, got " + m);
    return new Gmres(settings, m);
  }

  public int restart() {
    return restart;
  }

  @Override
  public String method() {
    return "gmres";
  }

  @Override
  int defaultMaxIterations(int n) {
    return Math.max(10 * n, 100);
  }

  @Override
  String stagnation(String lastBreakdown) {
    return "stagnated: a restart cycle did not lower the residual; raise the restart length (withRestart) or use a preconditioner";
  }

  @Override
  Pass pass(CheckedOperator A, double[] r, double rNorm, double[] x, double bNorm, double tol, int maxIterations,
      int iterations) {
    return new Pass(cycle(A, r, rNorm, x, Math.min(restart, r.length), bNorm, tol, maxIterations, iterations), null);
  }

  /** One GMRES(m) cycle from residual r with norm beta; updates x in place, returns the new iteration count. */
  private int cycle(CheckedOperator A, double[] r, double beta, double[] x, int m, double bNorm, double tol,
      int maxIterations, int iterations) {
    double[][] basis = new double[m + 1][];
    double[][] preconditioned = new double[m][];
    double[][] hessenberg = new double[m + 1][m]; // H[i][j], rotated in place into R
    double[] cosines = new double[m], sines = new double[m];
    double[] g = new double[m + 1]; // rotated right-hand side β e₁
    basis[0] = Vectors.scaled(1 / beta, r);
    g[0] = beta;
    int k = 0;
    boolean invariant = false;
    double residualBeforeLast = beta;
    while (k < m && iterations < maxIterations) {
      int j = k;
      double[] z = A.precondition(basis[j], iterations);
      preconditioned[j] = A.hasPreconditioner() ? z : basis[j];
      double[] w = A.apply(z, iterations);
      double wNorm = Vectors.norm(w);
      for (int pass = 0; pass < 2; pass++) // modified Gram–Schmidt, twice for orthogonality to working precision
        for (int i = 0; i <= j; i++) {
          double h = Vectors.dot(w, basis[i]);
          hessenberg[i][j] += h;
          Vectors.axpy(-h, basis[i], w);
        }
      double next = Vectors.norm(w);
      hessenberg[j + 1][j] = next;
      for (int i = 0; i < j; i++) { // earlier rotations applied to the new column
        double a = hessenberg[i][j], c = hessenberg[i + 1][j];
        hessenberg[i][j] = cosines[i] * a + sines[i] * c;
        hessenberg[i + 1][j] = -sines[i] * a + cosines[i] * c;
      }
      residualBeforeLast = Math.abs(g[j]);
      double a = hessenberg[j][j], c = hessenberg[j + 1][j];
      double radius = Math.hypot(a, c);
      cosines[j] = radius == 0 ? 1 : a / radius;
      sines[j] = radius == 0 ? 0 : c / radius;
      hessenberg[j][j] = radius;
      hessenberg[j + 1][j] = 0;
      g[j + 1] = -sines[j] * g[j];
      g[j] = cosines[j] * g[j];
      iterations++;
      k = j + 1;
      if (next <= 1e-14 * Math.max(wNorm, Double.MIN_NORMAL)) { // happy breakdown: K is invariant under A M⁻¹
        invariant = true;
        break;
      }
      basis[j + 1] = Vectors.scaled(1 / next, w);
      if (Math.abs(g[j + 1]) <= tol * bNorm) break;
    }
    double scale = 0;
    for (int i = 0; i < k; i++) scale = Math.max(scale, Math.abs(hessenberg[i][i]));
    if (invariant && hessenberg[k - 1][k - 1] <= 1e-13 * scale)
      // A M⁻¹ maps the invariant space K onto a proper subspace of K while r₀ ∈ K: r₀ ∉ range(A), A is singular
      throw new SingularMatrixException("gmres: the Krylov space became invariant at iteration " + iterations
          + " with a singular projected matrix (diagonal " + hessenberg[k - 1][k - 1] + ") while the relative residual is "
          + residualBeforeLast / bNorm + ": the operator is singular and b is not in its range; add a ridge term "
          + "(withRidge) or check the operator");
    double[] y = new double[k]; // back substitution R y = g
    for (int i = k - 1; i >= 0; i--) {
      double s = g[i];
      for (int l = i + 1; l < k; l++) s -= hessenberg[i][l] * y[l];
      y[i] = s / hessenberg[i][i];
    }
    for (int i = 0; i < k; i++) Vectors.axpy(y[i], preconditioned[i], x);
    return iterations;
  }
}
