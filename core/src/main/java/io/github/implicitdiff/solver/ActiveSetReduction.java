package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;
import java.util.stream.IntStream;

/**
 * Active-set-reduced implicit differentiation for a first-order solver whose solution lies on a face of
 * its operator (a sparse lasso solution, a point on faces of a box): the implicit system is restricted to
 * the free coordinates S, an |S|×|S| symmetric system solved by CG, instead of the full n×n fixed-point
 * system. With x = embed(x_S, θ_g) (x_S on S, the face's θ_g-dependent values b(θ_g) off S), the reduced
 * optimality condition is
 * <pre>
 *   F_S(x_S, θ) = [∇₁f(embed(x_S, θ_g), θ_f)]_S + t_S(θ_g) = 0,
 * </pre>
 * t_S the operator's gradient on the face (λ sign(x*_S) for the lasso, 0 for a box), so that ∂F_S/∂x_S
 * is the Hessian of f restricted to S. Valid away from degenerate points (a coordinate whose gradient
 * sits exactly at the kink, |∇_i f| = λ for the lasso, or zero multiplier on a bound): there the face
 * changes under perturbation and x*(θ) has a kink; the reduced derivative is then a one-sided one.
 *
 * <pre>{@code
 * ProximalGradient pg = ProximalGradient.of(f, ProximalOperator.lasso(), 1)
 *     .withActiveSetReduction(ActiveSetReduction.lasso());
 * Tensor dw = AD.jacobian(lam -> pg.run(Tensor.zeros(d), lam).orThrow(), Tensor.scalar(0.1));
 * }</pre>
 *
 * <p>The strategy must match the solver's operator; a mismatch shows as a large reduced residual at the
 * solution, which the implicit layer rejects with an exception.
 */
public interface ActiveSetReduction {
  /**
   * The face of the solution {@code xStar} (concrete) for the operator's concrete parameters θ_g.
   *
   * @param solver the solver's name, for messages
   */
  Face face(String solver, Tensor xStar, Tensor[] thetaOperator);

  /** A face: the free coordinates, the values off them, and the operator's gradient on them. */
  interface Face {
    /** Flat (row-major) indices of the free coordinates S, increasing. */
    int[] free();

    /** A tensor of x's shape holding the fixed values b(θ_g) off S and 0 on S, differentiable in θ_g. */
    Tensor fixed(Tensor[] thetaOperator);

    /** The operator's gradient t_S(θ_g) on S, a vector of length |S|, differentiable in θ_g. */
    Tensor freeTerm(Tensor[] thetaOperator);
  }

  /**
   * g = λ‖x‖₁ ({@link io.github.implicitdiff.prox.ProximalOperator#lasso()}, θ_g = (λ), λ a scalar or of
   * x's shape): S = {i : x*_i ≠ 0}, x = 0 off S, t_S = λ_S ⊙ sign(x*_S).
   */
  static ActiveSetReduction lasso() {
    return (solver, xStar, thetaG) -> {
      if (thetaG.length != 1)
        throw new IllegalArgumentException(solver + ": the lasso active-set reduction needs θ_g = (λ), got "
            + thetaG.length + " operator parameters");
      double[] x = xStar.concrete().toDoubleArray();
      int[] free = IntStream.range(0, x.length).filter(i -> x[i] != 0).toArray();
      double[] signs = new double[free.length];
      for (int k = 0; k < free.length; k++) signs[k] = Math.signum(x[free[k]]);
      Tensor sign = Tensor.of(signs);
      int[] shape = xStar.shape();
      return new Face() {
        public int[] free() {
          return free.clone();
        }

        public Tensor fixed(Tensor[] th) {
          return Tensor.zeros(shape);
        }

        public Tensor freeTerm(Tensor[] th) {
          Tensor lambda = th[0].ndim() == 0 ? th[0] : th[0].broadcastTo(shape).reshape(-1).take(free, 0);
          return sign.mul(lambda);
        }
      };
    };
  }

  /**
   * The box lo ≤ x ≤ hi ({@link io.github.implicitdiff.projection.Projection#box()}, θ_C = (lo, hi), each
   * a scalar or broadcastable to x): S = {i : lo_i &lt; x*_i &lt; hi_i}, x = lo or hi off S, t_S = 0.
   */
  static ActiveSetReduction box() {
    return (solver, xStar, thetaC) -> {
      if (thetaC.length != 2)
        throw new IllegalArgumentException(solver + ": the box active-set reduction needs θ_C = (lo, hi), got "
            + thetaC.length + " projection parameters");
      int[] shape = xStar.shape();
      double[] x = xStar.concrete().toDoubleArray();
      double[] lo = thetaC[0].concrete().broadcastTo(shape).toDoubleArray();
      double[] hi = thetaC[1].concrete().broadcastTo(shape).toDoubleArray();
      double[] atLo = new double[x.length], atHi = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        if (x[i] <= lo[i]) atLo[i] = 1;
        else if (x[i] >= hi[i]) atHi[i] = 1;
      }
      int[] free = IntStream.range(0, x.length).filter(i -> atLo[i] == 0 && atHi[i] == 0).toArray();
      Tensor maskLo = Tensor.fromArray(atLo, shape), maskHi = Tensor.fromArray(atHi, shape);
      return new Face() {
        public int[] free() {
          return free.clone();
        }

        public Tensor fixed(Tensor[] th) {
          // where, not mask · bound: an infinite bound of a free coordinate must not give 0 · ∞ = NaN
          return Tensor.where(maskLo, th[0].broadcastTo(shape), Tensor.where(maskHi, th[1].broadcastTo(shape), Tensor.zeros(shape)));
        }

        public Tensor freeTerm(Tensor[] th) {
          return Tensor.zeros(free.length);
        }
      };
    };
  }
}
