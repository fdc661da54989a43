package io.github.implicitdiff.linalg;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Householder + implicit QR eigensolver against Jacobi (an independent algorithm) on random symmetric matrices
 * of sizes 1..80 and several spectra, against closed forms (2×2, tridiagonal Toeplitz, diagonal), and on the hard
 * cases: repeated eigenvalues, zero matrices, extreme and graded scaling, the step cap, bad input.
 */
class SymmetricEigenTest {
  static final int[] SIZES = {1, 2, 3, 4, 5, 6, 8, 11, 17, 26, 40, 57, 80};

  /** The diagonal matrix of {@code values}. */
  static Tensor diag(double... values) {
    return Tensor.eye(values.length).mul(Tensor.of(values));
  }

  static Tensor randomSymmetric(Random rng, int n) {
    Tensor S = Tensor.randn(rng, n, n);
    return S.add(S.T()).mul(0.5);
  }

  /** Q diag(λ) Qᵀ with a random orthogonal Q (from Jacobi, so the solver under test does not build its own input). */
  static Tensor withSpectrum(Random rng, double... lambda) {
    Tensor Q = JacobiEigen.of(randomSymmetric(rng, lambda.length)).vectors();
    Tensor A = Q.mul(Tensor.of(lambda)).matmul(Q.T());
    return A.add(A.T()).mul(0.5);
  }

  /**
   * The decomposition's own guarantees: ‖VΛVᵀ − A‖ ≤ 1e-13·n·‖A‖, ‖VᵀV − I‖ ≤ 1e-13·n, ascending values, the
   * values-only path bit for bit equal; and agreement with Jacobi's eigenvalues to 1e-12·‖A‖.
   */
  static SymmetricEigen checked(Tensor A) {
    int n = A.dim(0);
    SymmetricEigen e = SymmetricEigen.of(A);
    double scale = A.norm2();
    Tensor V = e.vectors();
    double reconstruction = e.reconstruct().sub(A).norm2(), orthogonality = V.T().matmul(V).sub(Tensor.eye(n)).norm2();
    assertTrue(reconstruction <= 1e-13 * n * scale, "reconstruction " + reconstruction / scale + " at n = " + n);
    assertTrue(orthogonality <= 1e-13 * n, "orthogonality " + orthogonality + " at n = " + n);
    double[] lam = e.values().toDoubleArray();
    for (int i = 1; i < n; i++) assertTrue(lam[i - 1] <= lam[i], "ascending");
    assertArrayEquals(lam, SymmetricEigen.eigenvalues(A.toArray2d()), 0, "values-only path");
    double[] jacobi = JacobiEigen.of(A).values().toDoubleArray();
    for (int i = 0; i < n; i++)
      assertEquals(jacobi[i], lam[i], 1e-12 * scale, "eigenvalue " + i + " of " + n + " vs Jacobi");
    return e;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void agreesWithJacobiOnRandomMatrices(long seed) {
    Random rng = new Random(seed);
    for (int n : SIZES) {
      Tensor A = checked(randomSymmetric(rng, n)).reconstruct();
      // A v_i = λ_i v_i column by column, with the (independent) input
      SymmetricEigen e = SymmetricEigen.of(A);
      assertTrue(A.matmul(e.vectors()).sub(e.vectors().mul(e.values())).norm2() <= 1e-13 * n * A.norm2(), "AV = VΛ");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5, 6})
  void knownSpectraIncludingRepeatedAndClustered(long seed) {
    Random rng = new Random(seed);
    for (int n : new int[] {3, 9, 30, 64}) {
      double[] repeated = new double[n], lowRank = new double[n], clustered = new double[n];
      for (int i = 0; i < n; i++) {
        repeated[i] = i < n / 3 ? -1 : 2; // two eigenvalues of multiplicity n/3 and 2n/3
        lowRank[i] = i < n - 2 ? 0 : i; // rank 2, a zero eigenvalue of multiplicity n − 2: the PSD projection's case
        clustered[i] = 1 + 1e-9 * i; // distinct but within 1e-9 of each other
      }
      for (double[] lambda : new double[][] {repeated, lowRank, clustered}) {
        SymmetricEigen e = checked(withSpectrum(rng, lambda));
        double[] sorted = lambda.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(sorted, e.values().toDoubleArray(), 1e-13 * n, "the spectrum put in");
      }
    }
  }

  @Test
  void closedForms() {
    // 1×1 and 2×2: λ = (a + c)/2 ± √(((a − c)/2)² + b²), eigenvector of λ₊ ∝ (b, λ₊ − a)
    SymmetricEigen one = SymmetricEigen.of(Tensor.of(new double[][] {{-3.5}}));
    assertArrayEquals(new double[] {-3.5}, one.values().toDoubleArray(), 0);
    assertEquals(1, Math.abs(one.vectors().item()), 0);
    double a = 2, b = -0.75, c = -1, mid = (a + c) / 2, radius = Math.hypot((a - c) / 2, b);
    SymmetricEigen two = checked(Tensor.of(new double[][] {{a, b}, {b, c}}));
    assertArrayEquals(new double[] {mid - radius, mid + radius}, two.values().toDoubleArray(), 1e-15);
    double vx = b, vy = mid + radius - a, len = Math.hypot(vx, vy);
    assertEquals(1, Math.abs(two.vectors().get(0, 1) * vx / len + two.vectors().get(1, 1) * vy / len), 1e-15);
    // tridiagonal Toeplitz (d on the diagonal, f next to it): λ_k = d + 2f cos(kπ/(n + 1)), k = 1..n, also rotated
    int n = 25;
    double d = 0.3, f = -1.7;
    double[][] t = new double[n][n];
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      t[i][i] = d;
      if (i + 1 < n) t[i][i + 1] = t[i + 1][i] = f;
      expected[i] = d + 2 * f * Math.cos((i + 1) * Math.PI / (n + 1));
    }
    java.util.Arrays.sort(expected);
    assertArrayEquals(expected, checked(Tensor.of(t)).values().toDoubleArray(), 1e-13 * n);
    assertArrayEquals(expected, checked(withSpectrum(new Random(8), expected)).values().toDoubleArray(), 1e-13 * n);
  }

  @Test
  void zeroDiagonalAndScalarMatrices() {
    SymmetricEigen zero = SymmetricEigen.of(Tensor.zeros(6, 6));
    assertArrayEquals(new double[6], zero.values().toDoubleArray(), 0);
    assertTrue(zero.vectors().T().matmul(zero.vectors()).sub(Tensor.eye(6)).norm2() == 0, "an orthonormal basis");
    double[] diagonal = {3, -5, 0, 3, 1e-300, -2};
    SymmetricEigen e = checked(diag(diagonal));
    assertArrayEquals(new double[] {-5, -2, 0, 1e-300, 3, 3}, e.values().toDoubleArray(), 0, "exact on a diagonal");
    // each eigenvector is ± a unit vector whose index holds that eigenvalue
    for (int j = 0; j < 6; j++) {
      int at = -1;
      for (int i = 0; i < 6; i++) if (Math.abs(e.vectors().get(i, j)) == 1) at = i;
      assertTrue(at >= 0 && diagonal[at] == e.values().get(j), "column " + j + " is a unit vector");
    }
    SymmetricEigen scalar = checked(Tensor.eye(7).mul(-4));
    assertArrayEquals(new double[] {-4, -4, -4, -4, -4, -4, -4}, scalar.values().toDoubleArray(), 0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {1e150, 1e-150, 1e300, 1e-300, 4e-320})
  void extremeScalingIsExactlyScaled(double factor) {
    Tensor A = randomSymmetric(new Random(9), 12);
    double[] base = SymmetricEigen.of(A).values().toDoubleArray();
    Tensor big = A.mul(factor);
    SymmetricEigen e = SymmetricEigen.of(big);
    Tensor V = e.vectors();
    assertTrue(V.T().matmul(V).sub(Tensor.eye(12)).norm2() <= 1e-13 * 12, "orthogonality at scale " + factor);
    double[] lam = e.values().toDoubleArray();
    double norm = A.norm2();
    // A·factor has the eigenvalues λ·factor; relative to ‖A‖ (subnormal entries have lost digits at 4e-320)
    double tolerance = factor < 1e-307 ? 1e-3 : 1e-13;
    for (int i = 0; i < 12; i++) assertEquals(base[i], lam[i] / factor, tolerance * norm, "eigenvalue " + i);
    if (factor >= 1e-150 && factor <= 1e150) // the reconstruction's own products stay in range
      assertTrue(e.reconstruct().sub(big).norm2() <= 1e-13 * 12 * big.norm2(), "reconstruction at " + factor);
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 20, 45})
  void gradedMatrices(int n) {
    // D G D with D = diag(10^(75 − 150 i/(n − 1))): entries from 1e150 down to 1e-150, both orientations
    Random rng = new Random(n);
    Tensor G = randomSymmetric(rng, n);
    double[] grade = new double[n];
    for (int i = 0; i < n; i++) grade[i] = Math.pow(10, 75 - 150.0 * i / (n - 1));
    Tensor D = diag(grade);
    checked(D.matmul(G).matmul(D));
    double[] reversed = new double[n];
    for (int i = 0; i < n; i++) reversed[i] = grade[n - 1 - i];
    Tensor R = diag(reversed);
    checked(R.matmul(G).matmul(R));
    // a mildly graded positive definite matrix: its smallest eigenvalue is still found to 1e-8 relative
    for (int i = 0; i < n; i++) grade[i] = Math.pow(10, -4.0 * i / (n - 1));
    Tensor M = Tensor.randn(rng, n, n), P = M.matmul(M.T()).add(Tensor.eye(n));
    Tensor Dm = diag(grade), B = Dm.matmul(P).matmul(Dm);
    double[] lam = checked(B).values().toDoubleArray(), jacobi = JacobiEigen.of(B).values().toDoubleArray();
    assertTrue(lam[0] > 0, "positive definite");
    assertEquals(jacobi[0], lam[0], 1e-8 * jacobi[0], "smallest eigenvalue");
  }

  @Test
  void readsOnlyTheUpperTriangle() {
    Random rng = new Random(10);
    Tensor A = randomSymmetric(rng, 9), garbage = Tensor.randn(rng, 9, 9);
    double[][] upper = A.toArray2d();
    for (int i = 0; i < 9; i++)
      for (int j = 0; j < i; j++) upper[i][j] = garbage.get(i, j);
    SymmetricEigen e = SymmetricEigen.of(Tensor.of(upper)), reference = SymmetricEigen.of(A);
    assertArrayEquals(reference.values().toDoubleArray(), e.values().toDoubleArray(), 0);
    assertArrayEquals(reference.vectors().toDoubleArray(), e.vectors().toDoubleArray(), 0);
    assertArrayEquals(reference.values().toDoubleArray(), SymmetricEigen.eigenvalues(upper), 0);
  }

  @Test
  void stepCapThrowsNamingTheProblem() {
    // the 3×3 tridiagonal with 1s next to the diagonal needs more than one QR step
    double[] d = {0, 0, 0}, e = {1, 1, 0};
    var ex = assertThrows(NotConvergedException.class, () -> TridiagonalQr.diagonalize(d, e, 3, null, "op", 1));
    assertTrue(ex.getMessage().contains("op: the tridiagonal QR iteration did not converge in 1 steps"), ex.getMessage());
    double[] d2 = {0, 0, 0}, e2 = {1, 1, 0};
    TridiagonalQr.diagonalize(d2, e2, 3, null, "op", 10); // and converges with a few
    java.util.Arrays.sort(d2);
    assertArrayEquals(new double[] {-Math.sqrt(2), 0, Math.sqrt(2)}, d2, 1e-15);
  }

  @Test
  void badInputIsNamed() {
    var square = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(Tensor.zeros(2, 3)));
    assertTrue(square.getMessage().contains("SymmetricEigen: A must be a square matrix"), square.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(Tensor.zeros(4)));
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      var e = assertThrows(NonFiniteException.class, () -> SymmetricEigen.of(Tensor.of(new double[][] {{1, bad}, {bad, 1}})));
      assertTrue(e.getMessage().contains("SymmetricEigen: A must be finite"), e.getMessage());
      var e2 = assertThrows(NonFiniteException.class, () -> SymmetricEigen.eigenvalues(new double[][] {{1, 0}, {0, bad}}));
      assertTrue(e2.getMessage().contains("entry (1, 1) is " + bad), e2.getMessage());
    }
    var ragged = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.eigenvalues(new double[][] {{1, 2}, {3}}));
    assertTrue(ragged.getMessage().contains("row 1 has 1 entries"), ragged.getMessage());
    // eigenvalues beyond the double range: a clear exception, not an infinity
    double[][] huge = {{1e308, 1e308, 1e308}, {1e308, 1e308, 1e308}, {1e308, 1e308, 1e308}};
    var overflow = assertThrows(ArithmeticException.class, () -> SymmetricEigen.eigenvalues(huge));
    assertTrue(overflow.getMessage().contains("exceeds the double range"), overflow.getMessage());
  }
}
