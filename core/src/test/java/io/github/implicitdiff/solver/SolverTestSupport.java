package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/** Reference problems, a dense Gaussian elimination independent of the library, and derivative checks. */
final class SolverTestSupport {
  private SolverTestSupport() {}

  /** Ridge regression f(w, λ) = ½‖Xw − y‖²/n + ½ Σ λ_i w_i², λ a vector (one per feature). */
  record Ridge(Tensor X, Tensor y) {
    static Ridge random(long seed, int n, int d) {
      Random rng = new Random(seed);
      return new Ridge(Tensor.randn(rng, n, d), Tensor.randn(rng, n));
    }

    int n() {
      return X.dim(0);
    }

    int d() {
      return X.dim(1);
    }

    Objective objective() {
      return (w, th) -> X.matmul(w).sub(y).square().sum().mul(0.5 / n()).add(th[0].mul(w.square()).sum().mul(0.5));
    }

    /** XᵀX/n + diag(λ). */
    Tensor hessian(Tensor lam) {
      return X.T().matmul(X).div(n()).add(Tensor.eye(d()).mul(lam.reshape(1, -1)));
    }

    Tensor solution(Tensor lam) {
      return gauss(hessian(lam), X.T().matmul(y).div(n()));
    }

    /** ∂w/∂λ = −A⁻¹ diag(w). */
    Tensor jacobian(Tensor lam) {
      Tensor w = solution(lam);
      return gauss(hessian(lam), Tensor.eye(d())).mul(w.reshape(1, -1)).neg();
    }

    /** The Lipschitz constant of ∇f, λ_max(A), by power iteration. */
    double lipschitz(Tensor lam) {
      Tensor A = hessian(lam), v = Tensor.ones(d());
      for (int i = 0; i < 200; i++) v = A.matmul(v).div(A.matmul(v).norm2());
      return v.vdot(A.matmul(v));
    }
  }

  /** Solves A X = B (B a vector or a matrix) by Gaussian elimination with partial pivoting. */
  static Tensor gauss(Tensor A, Tensor B) {
    int n = A.dim(0);
    boolean vec = B.ndim() == 1;
    int m = vec ? 1 : B.dim(1);
    double[][] a = A.toArray2d();
    double[][] b = vec ? B.reshape(n, 1).toArray2d() : B.toArray2d();
    for (int k = 0; k < n; k++) {
      int piv = k;
      for (int i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[piv][k])) piv = i;
      if (Math.abs(a[piv][k]) < 1e-13) throw new SingularMatrixException("test-gauss: singular at column " + k);
      double[] t = a[k]; a[k] = a[piv]; a[piv] = t;
      t = b[k]; b[k] = b[piv]; b[piv] = t;
      for (int i = k + 1; i < n; i++) {
        double c = a[i][k] / a[k][k];
        for (int j = k; j < n; j++) a[i][j] -= c * a[k][j];
        for (int j = 0; j < m; j++) b[i][j] -= c * b[k][j];
      }
    }
    double[][] x = new double[n][m];
    for (int i = n - 1; i >= 0; i--)
      for (int j = 0; j < m; j++) {
        double s = b[i][j];
        for (int q = i + 1; q < n; q++) s -= a[i][q] * x[q][j];
        x[i][j] = s / a[i][i];
      }
    Tensor X = Tensor.of(x);
    return vec ? X.reshape(n) : X;
  }

  /** Central finite-difference Jacobian of f at θ, shape out.shape ++ θ.shape. */
  static Tensor finiteDifferenceJacobian(TensorFunction f, Tensor theta, double h) {
    int n = theta.size();
    double[] t = theta.toDoubleArray();
    Tensor[] cols = new Tensor[n];
    int[] outShape = null;
    for (int j = 0; j < n; j++) {
      double[] plus = t.clone(), minus = t.clone();
      plus[j] += h;
      minus[j] -= h;
      Tensor fp = f.apply(Tensor.fromArray(plus, theta.shape())), fm = f.apply(Tensor.fromArray(minus, theta.shape()));
      outShape = fp.shape();
      cols[j] = fp.sub(fm).div(2 * h).reshape(-1, 1);
    }
    int[] shape = new int[outShape.length + theta.ndim()];
    System.arraycopy(outShape, 0, shape, 0, outShape.length);
    System.arraycopy(theta.shape(), 0, shape, outShape.length, theta.ndim());
    return Tensor.concat(1, cols).reshape(shape);
  }

  /** ‖a − b‖_max ≤ tol · max(1, ‖b‖_max), with a message. */
  static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
    double err = actual.sub(expected).maxAbs();
    double scale = Math.max(1, expected.maxAbs());
    assertTrue(err <= tol * scale, what + ": max error " + err + " > " + tol * scale + "\nexpected " + expected + "\nactual " + actual);
  }

  /**
   * The implicit Jacobian (forward and reverse) of θ ↦ x*(θ) agrees with {@code expected} (closed form or
   * converged unrolled), and with central finite differences of a tight solve.
   */
  static void checkJacobians(TensorFunction implicitSolution, TensorFunction unrolledSolution, TensorFunction tightSolution,
      Tensor theta, double tol) {
    Tensor forward = AD.jacobian(implicitSolution, theta, AD.Mode.FORWARD);
    Tensor reverse = AD.jacobian(implicitSolution, theta, AD.Mode.REVERSE);
    Tensor unrolled = AD.jacobian(unrolledSolution, theta, AD.Mode.FORWARD);
    Tensor fd = finiteDifferenceJacobian(tightSolution, theta, 1e-5);
    assertClose(unrolled, forward, tol, "implicit forward vs unrolled");
    assertClose(unrolled, reverse, tol, "implicit reverse vs unrolled");
    assertClose(fd, forward, 10 * tol, "implicit forward vs finite differences");
  }
}
