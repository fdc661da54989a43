package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.JointPrimitive;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The PSD projection P(A) = V max(Λ, 0) Vᵀ and its first two derivatives as primitives, each holding the
 * {@link PsdSpectrum} of A (computed once per projection). With Ã = Vᵀ sym(H) V for a direction H:
 * <pre>
 *   DP(A)[H]       = V (Γ ∘ H̃) Vᵀ,  Γ_ij = f^[1](λ_i, λ_j)                                    (Daleckii–Krein)
 *   D²P(A)[H, K]_~ij = Σ_k f^[2](λ_i, λ_k, λ_j) (H̃_ik K̃_kj + K̃_ik H̃_kj)                     (second order)
 * </pre>
 * (Bhatia, <em>Matrix Analysis</em>, Thms V.3.3 and V.3.5). Both are finite with repeated eigenvalues: f^[1]
 * and f^[2] of f = max(·, 0) only divide by gaps across 0. P is the gradient of Φ(A) = ½‖P(A)‖², so DP is
 * self-adjoint and D²P[H, K] paired with G is symmetric in (G, H, K): each VJP is the same primitive as the JVP.
 * Directions are symmetrized (the function differentiated is P(sym(A))), so a non-symmetric tangent, as GMRES
 * produces inside an implicit solve, is handled consistently in both modes.
 *
 * <p>Derivatives of order three and above in A are not implemented: the rule of D²P in A throws.
 */
final class PsdPrimitives {
  private PsdPrimitives() {}

  static final String OP = "Projections.psd";

  /** P(A) for a validated symmetric A. */
  static Tensor project(Tensor A) {
    PsdSpectrum s = new PsdSpectrum(PsdSpectrum.sym(A.concrete()));
    return Tensor.apply(new Projection(s), A);
  }

  /** P itself: input (A). */
  private record Projection(PsdSpectrum s) implements JointPrimitive {
    public String name() {
      return OP;
    }

    public Tensor eval(Tensor... x) {
      return PsdSpectrum.sym(s.projection());
    }

    public Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x) {
      return dx[0] == null ? null : Tensor.apply(new Derivative(s), x[0], dx[0]);
    }

    public Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x) {
      return new Tensor[] {Tensor.apply(new Derivative(s), x[0], g)};
    }
  }

  /** DP(A)[H]: inputs (A, H), linear in H. */
  private record Derivative(PsdSpectrum s) implements JointPrimitive {
    public String name() {
      return OP + " (derivative)";
    }

    public Tensor eval(Tensor... x) {
      return PsdSpectrum.sym(s.fromEigenbasis(s.gamma.mul(s.toEigenbasis(x[1]))));
    }

    public Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x) {
      Tensor t = dx[1] == null ? null : Tensor.apply(this, x[0], dx[1]);
      if (dx[0] != null) {
        Tensor second = Tensor.apply(new SecondDerivative(s), x[0], x[1], dx[0]);
        t = t == null ? second : t.add(second);
      }
      return t;
    }

    public Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x) {
      return new Tensor[] {
          needed[0] ? Tensor.apply(new SecondDerivative(s), x[0], x[1], g) : null,
          needed[1] ? Tensor.apply(this, x[0], g) : null};
    }
  }

  /** D²P(A)[H, K]: inputs (A, H, K), bilinear and symmetric in (H, K). */
  private record SecondDerivative(PsdSpectrum s) implements JointPrimitive {
    public String name() {
      return OP + " (second derivative)";
    }

    public Tensor eval(Tensor... x) {
      double[] lam = s.values;
      int n = lam.length;
      double[] h = s.toEigenbasis(x[1]).toDoubleArray(), k = s.toEigenbasis(x[2]).toDoubleArray();
      double[] out = new double[n * n];
      for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++) {
          double sum = 0;
          for (int m = 0; m < n; m++) {
            double f2 = PsdSpectrum.second(lam[i], lam[m], lam[j]);
            if (f2 != 0) sum += f2 * (h[i * n + m] * k[m * n + j] + k[i * n + m] * h[m * n + j]);
          }
          out[i * n + j] = sum;
          out[j * n + i] = sum;
        }
      return PsdSpectrum.sym(s.fromEigenbasis(Tensor.fromArray(out, n, n)));
    }

    public Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x) {
      if (dx[0] != null) throw thirdOrder();
      Tensor t = dx[1] == null ? null : Tensor.apply(this, x[0], dx[1], x[2]);
      if (dx[2] != null) {
        Tensor c = Tensor.apply(this, x[0], x[1], dx[2]);
        t = t == null ? c : t.add(c);
      }
      return t;
    }

    public Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x) {
      if (needed[0]) throw thirdOrder();
      return new Tensor[] {null,
          needed[1] ? Tensor.apply(this, x[0], g, x[2]) : null,
          needed[2] ? Tensor.apply(this, x[0], x[1], g) : null};
    }

    private static UnsupportedOperationException thirdOrder() {
      return new UnsupportedOperationException(OP + ": derivatives of order three and above in the matrix are not"
          + " implemented (first and second derivatives are, in both modes)");
    }
  }
}
