package io.github.implicitdiff.projection;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.examples.Fd;
import io.github.implicitdiff.linalg.JacobiEigen;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PSD projection: cone properties, derivatives (Daleckii–Krein, both modes, second order) against central
 * differences, repeated and zero eigenvalues, agreement with the second-order cone on 2×2 matrices, bad input.
 */
class PsdProjectionTest {
  static Tensor sym(Tensor S) {
    return S.add(S.T()).mul(0.5);
  }

  static Tensor randomSymmetric(Random rng, int n) {
    return sym(Tensor.randn(rng, n, n));
  }

  static Tensor rotated(Random rng, double... eigenvalues) {
    Tensor Q = JacobiEigen.of(randomSymmetric(rng, eigenvalues.length)).vectors();
    return sym(Q.mul(Tensor.of(eigenvalues)).matmul(Q.T()));
  }

  /** P(sym(S)) of an unconstrained S: what central differences perturb (a symmetric step keeps A symmetric). */
  static final TensorFunction OF_S = S -> Projections.psd(sym(S));

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void coneProperties(long seed) {
    Random rng = new Random(seed);
    int n = 7;
    Tensor A = randomSymmetric(rng, n);
    Tensor P = Projections.psd(A), N = Projections.psd(A.neg());
    double[] lam = JacobiEigen.of(P).values().toDoubleArray();
    assertTrue(lam[0] >= -1e-13, "PSD: smallest eigenvalue " + lam[0]);
    assertEquals(0, P.sub(P.T()).maxAbs(), "symmetric");
    assertTrue(Projections.psd(P).allClose(P, 1e-13), "idempotent");
    assertTrue(P.sub(N).allClose(A, 1e-13), "Moreau decomposition A = P(A) − P(−A)");
    assertEquals(0, P.vdot(N), 1e-13, "⟨P(A), P(−A)⟩ = 0");
    for (int k = 0; k < 20; k++) { // ⟨A − P, Z − P⟩ ≤ 0 for PSD Z = BBᵀ
      Tensor B = Tensor.randn(rng, n, 1 + rng.nextInt(n)), Z = B.matmul(B.T());
      assertTrue(A.sub(P).vdot(Z.sub(P)) <= 1e-12, "variational inequality");
    }
    // closed forms: a PSD matrix is its own projection, a negative definite one projects to 0
    Tensor M = Tensor.randn(rng, n, n), pd = M.matmul(M.T()).add(Tensor.eye(n));
    assertTrue(Projections.psd(pd).allClose(pd, 1e-12));
    assertEquals(0, Projections.psd(pd.neg()).maxAbs());
  }

  @Test
  void closedFormValue() {
    Tensor P = Projections.psd(Tensor.of(new double[][] {{1, 2}, {2, 1}}));   // λ = (−1, 3), v = (1, 1)/√2 for 3
    assertTrue(P.allClose(Tensor.full(1.5, 2, 2), 1e-14), P.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void jvpAndVjpMatchCentralDifferences(long seed) {
    Random rng = new Random(seed);
    Tensor S = Tensor.randn(rng, 5, 5);
    Tensor fd = Fd.jacobian(OF_S, S, 1e-6);
    for (AD.Mode mode : AD.Mode.values()) {
      Tensor J = AD.jacobian(OF_S, S, mode).reshape(fd.shape());
      assertTrue(Fd.relativeError(J, fd) < 1e-8, mode + ": " + Fd.relativeError(J, fd));
    }
    // transposition: ⟨U, J V⟩ = ⟨JᵀU, V⟩ on psd itself, for non-symmetric U and V (the symmetric parts count)
    Tensor A = sym(S), U = Tensor.randn(rng, 5, 5), V = Tensor.randn(rng, 5, 5);
    double uJv = U.vdot(AD.jvp(Projections::psd, A, V).outTangent());
    Tensor JtU = AD.vjp(Projections::psd, A, U);
    assertEquals(uJv, JtU.vdot(V), 1e-12 * Math.max(1, Math.abs(uJv)));
    assertEquals(0, JtU.sub(JtU.T()).maxAbs(), 1e-14, "symmetric cotangent");
  }

  /** A scalar loss whose Hessian needs both D²P (through ⟨W, P⟩) and DP ∘ DP (through ‖P − C‖²). */
  static TensorFunction loss(Tensor W, Tensor C) {
    return S -> {
      Tensor P = Projections.psd(sym(S));
      return P.mul(W).sum().add(P.sub(C).square().sum().mul(0.5));
    };
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void secondDerivativesMatchDifferencesOfTheGradient(long seed) {
    Random rng = new Random(seed);
    int n = 4;
    Tensor S = Tensor.randn(rng, n, n), W = randomSymmetric(rng, n), C = randomSymmetric(rng, n);
    TensorFunction f = loss(W, C);
    Tensor Hfd = Fd.jacobian(s -> AD.grad(f, s), S, 1e-5);
    Tensor forwardOverReverse = AD.hessian(f, S).reshape(Hfd.shape());
    Tensor reverseOverReverse = AD.jacobian(s -> AD.grad(f, s), S, AD.Mode.REVERSE).reshape(Hfd.shape());
    assertTrue(Fd.relativeError(forwardOverReverse, Hfd) < 1e-7, "hessian " + Fd.relativeError(forwardOverReverse, Hfd));
    assertTrue(Fd.relativeError(reverseOverReverse, Hfd) < 1e-7, "reverse over reverse " + Fd.relativeError(reverseOverReverse, Hfd));
    // hvp, and a pure second-derivative term: the Hessian of ⟨W, P(A)⟩ is D²P paired with W, zero if P were linear
    Tensor v = Tensor.randn(rng, n, n);
    assertTrue(AD.hvp(f, S, v).allClose(forwardOverReverse.matmul(v.reshape(-1)).reshape(n, n), 1e-10));
    TensorFunction linear = s -> Projections.psd(sym(s)).mul(W).sum();
    Tensor Hl = AD.hessian(linear, S).reshape(n * n, n * n);
    Tensor Hlfd = Fd.jacobian(s -> AD.grad(linear, s), S, 1e-5);
    assertTrue(Hl.maxAbs() > 1e-2, "curvature present");
    assertTrue(Fd.relativeError(Hl, Hlfd) < 1e-7, "D²P " + Fd.relativeError(Hl, Hlfd));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void repeatedEigenvaluesKeepFiniteDerivativesThatMatchDifferences(long seed) {
    Random rng = new Random(seed);
    double[][] spectra = {{2, 2, -1}, {2, -1, -1}, {3, 3, -2, -2}, {1, 1, 1, -4}};
    for (double[] spectrum : spectra) {
      Tensor A = rotated(rng, spectrum);
      TensorFunction f = D -> Projections.psd(sym(A.add(D)));
      Tensor D0 = Tensor.zeros(A.shape());
      Tensor fd = Fd.jacobian(f, D0, 1e-6);
      for (AD.Mode mode : AD.Mode.values()) {
        Tensor J = AD.jacobian(f, D0, mode).reshape(fd.shape());
        assertTrue(J.allFinite(), "finite");
        assertTrue(Fd.relativeError(J, fd) < 1e-8, java.util.Arrays.toString(spectrum) + " " + mode + ": " + Fd.relativeError(J, fd));
      }
      Tensor W = randomSymmetric(rng, spectrum.length);
      TensorFunction g = D -> Projections.psd(sym(A.add(D))).mul(W).sum().add(Projections.psd(sym(A.add(D))).square().sum());
      Tensor H = AD.hessian(g, D0).reshape(fd.shape()), Hfd = Fd.jacobian(d -> AD.grad(g, d), D0, 1e-5);
      assertTrue(H.allFinite() && Fd.relativeError(H, Hfd) < 1e-7, "hessian " + Fd.relativeError(H, Hfd));
    }
  }

  @Test
  void zeroEigenvalueUsesTheClippedBranch() {
    // an exact zero eigenvalue (a diagonal input, untouched by the rotations); a rotated one would be ±1e-16 and the
    // branch would be decided by rounding, which is what DegeneracyCheck.psd() reports
    Tensor A = Tensor.of(new double[][] {{2, 0, 0}, {0, 0, 0}, {0, 0, -1}});
    Tensor u = Tensor.of(new double[][] {{0}, {1}, {0}}), uuT = u.matmul(u.T());  // the zero eigenvector
    assertEquals(java.util.List.of(1), Projections.psdDegeneracy(A, 1e-12).indices());
    // f'(0) = 0: the derivative along uuᵀ is zero, the limit from λ → 0⁻, not from λ → 0⁺
    Tensor along = AD.jvp(Projections::psd, A, uuT).outTangent();
    assertEquals(0, along.maxAbs(), 1e-14);
    Tensor below = AD.jvp(Projections::psd, A.sub(uuT.mul(1e-9)), uuT).outTangent();
    Tensor above = AD.jvp(Projections::psd, A.add(uuT.mul(1e-9)), uuT).outTangent();
    assertEquals(0, below.maxAbs(), 1e-14);
    assertTrue(above.allClose(uuT, 1e-12));
    // the whole Jacobian is the limit from below (the cross terms Γ_ij = λ_j/(λ_j − λ_i) are continuous)
    TensorFunction f = D -> Projections.psd(sym(A.add(D)));
    Tensor J = AD.jacobian(f, Tensor.zeros(3, 3));
    Tensor Jbelow = AD.jacobian(D -> Projections.psd(sym(A.sub(uuT.mul(1e-9)).add(D))), Tensor.zeros(3, 3));
    assertTrue(J.allClose(Jbelow, 1e-8));
  }

  /** 2×2 symmetric matrices are isometric to ℝ³ with the PSD cone mapped onto the second-order cone. */
  static Tensor toCone(Tensor A) {
    double r = Math.sqrt(2);
    Tensor a = A.index(0, 0).index(0, 0), b = A.index(0, 0).index(0, 1), c = A.index(0, 1).index(0, 1);
    return Tensor.stack(0, a.sub(c).div(r), b.mul(r), a.add(c).div(r));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void agreesWithTheSecondOrderConeOnTwoByTwoMatrices(long seed) {
    Random rng = new Random(seed);
    Tensor S = Tensor.randn(rng, 2, 2);
    TensorFunction viaPsd = s -> toCone(Projections.psd(sym(s))), viaSoc = s -> Projections.secondOrderCone(toCone(sym(s)));
    assertTrue(viaPsd.apply(S).allClose(viaSoc.apply(S), 1e-14));
    assertTrue(AD.jacobian(viaPsd, S).allClose(AD.jacobian(viaSoc, S), 1e-12));
    // at the kinks too (exact in floating point, so no rounding picks the branch): rank one PSD (‖x‖ = t), rank one
    // NSD (‖x‖ = −t), the apex
    double d = 0.5 + rng.nextDouble();
    Tensor[] kinks = {Tensor.of(new double[][] {{d, 0}, {0, 0}}), Tensor.of(new double[][] {{0, 0}, {0, -d}}), Tensor.zeros(2, 2)};
    for (Tensor kink : kinks)
      assertTrue(AD.jacobian(viaPsd, kink).allClose(AD.jacobian(viaSoc, kink), 1e-12), "kink " + kink);
  }

  @Test
  void thirdDerivativeAndBadInputAreNamed() {
    Tensor A = randomSymmetric(new Random(3), 3), v = randomSymmetric(new Random(4), 3);
    TensorFunction hvp = a -> AD.hvp(s -> Projections.psd(sym(s)).square().sum(), a, v);
    var third = assertThrows(UnsupportedOperationException.class, () -> AD.jacobian(hvp, A));
    assertTrue(third.getMessage().contains("order three"), third.getMessage());

    var asym = assertThrows(IllegalArgumentException.class, () -> Projections.psd(Tensor.of(new double[][] {{1, 2}, {2.001, 1}})));
    assertTrue(asym.getMessage().contains("not symmetric") && asym.getMessage().contains("1e-10"), asym.getMessage());
    // rounding-level asymmetry is accepted (and symmetrized)
    Tensor nearly = Tensor.of(new double[][] {{1, 2}, {2 + 1e-15, 1}});
    assertEquals(0, Projections.psd(nearly).sub(Projections.psd(nearly).T()).maxAbs());
    var nan = assertThrows(RuntimeException.class, () -> Projections.psd(Tensor.of(new double[][] {{1, Double.NaN}, {Double.NaN, 1}})));
    assertTrue(nan.getMessage().contains("Projections.psd") && nan.getMessage().contains("finite"), nan.getMessage());
    var shape = assertThrows(ShapeException.class, () -> Projections.psd(Tensor.zeros(2, 3)));
    assertTrue(shape.getMessage().contains("square"), shape.getMessage());
    assertThrows(ShapeException.class, () -> Projections.psd(Tensor.zeros(2, 2, 2)));
    var params = assertThrows(IllegalArgumentException.class, () -> Projection.psd().apply(A, Tensor.ones(1)));
    assertTrue(params.getMessage().contains("expects 0 parameter"), params.getMessage());
  }
}
