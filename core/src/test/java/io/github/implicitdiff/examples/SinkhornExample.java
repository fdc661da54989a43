package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.projection.Projections;
import io.github.implicitdiff.projection.SinkhornOptions;
import io.github.implicitdiff.solver.FixedPointIteration;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Program 6: the entropic transport plan P(C, a) = argmin_{P ∈ U(a, b)} ⟨P, C⟩ − εH(P) and the gradient of
 * ⟨P, D⟩ in the cost C and the source weights a = softmax(α): by {@link Projections#transport} (implicit by
 * default, and unrolled Sinkhorn with {@code withImplicitDifferentiation(false)}) and by hand, implicitly, as the
 * fixed point of the Sinkhorn map on the column potential g (its gauge g_{n−1} = 0 fixed, since
 * T(g + t1) = T(g) + t1 makes I − ∂T singular), all against central differences.
 */
class SinkhornExample {
  static final double EPS = 0.5;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void unrolledAndImplicitSinkhornGradientsMatchFiniteDifferences(long seed) {
    Random rng = new Random(seed);
    int m = 4, n = 5;
    Tensor C = Tensor.rand(rng, m, n), D = Tensor.randn(rng, m, n), alpha = Tensor.randn(rng, m).mul(0.3);
    Tensor b = Tensor.full(1.0 / n, n);
    SinkhornOptions options = SinkhornOptions.defaults().withRegularization(EPS).withTolerance(1e-13).withMaxIterations(5000);
    SinkhornOptions unrolledOptions = options.withImplicitDifferentiation(false);

    Tensor[] unrolled = AD.gradAll(t -> Projections.transport(t[0].neg(), t[1].softmax(0), b, unrolledOptions).mul(D).sum(), C, alpha);
    Tensor[] library = AD.gradAll(t -> Projections.transport(t[0].neg(), t[1].softmax(0), b, options).mul(D).sum(), C, alpha);
    Tensor[] implicit = AD.gradAll(t -> implicitPlan(t[0], t[1].softmax(0), b).mul(D).sum(), C, alpha);
    Tensor gC = Fd.gradient(cc -> Projections.transport(cc.neg(), alpha.softmax(0), b, options).mul(D).sum(), C, 1e-6);
    Tensor gA = Fd.gradient(aa -> Projections.transport(C.neg(), aa.softmax(0), b, options).mul(D).sum(), alpha, 1e-6);

    Tensor plan = Projections.transport(C.neg(), alpha.softmax(0), b, options);
    assertTrue(plan.allClose(implicitPlan(C, alpha.softmax(0), b), 1e-10), "both routes give the same plan");
    double euC = Fd.relativeError(unrolled[0], gC), euA = Fd.relativeError(unrolled[1], gA);
    double eiC = Fd.relativeError(implicit[0], gC), eiA = Fd.relativeError(implicit[1], gA);
    double elC = Fd.relativeError(library[0], gC), elA = Fd.relativeError(library[1], gA);
    System.out.printf("sinkhorn seed %d  rel.err unrolled dC %.1e dα %.1e  by hand dC %.1e dα %.1e  library implicit dC %.1e dα %.1e%n",
        seed, euC, euA, eiC, eiA, elC, elA);
    assertTrue(euC < 1e-6 && euA < 1e-6, "unrolled " + euC + ", " + euA);
    assertTrue(elC < 1e-6 && elA < 1e-6, "library implicit " + elC + ", " + elA);
    assertTrue(eiC < 1e-6 && eiA < 1e-6, "implicit " + eiC + ", " + eiA);
  }

  /** P = exp((−C + f1ᵀ + 1gᵀ)/ε) with g the gauge-fixed fixed point of the Sinkhorn map, differentiable implicitly. */
  static Tensor implicitPlan(Tensor C, Tensor a, Tensor b) {
    int n = C.dim(1);
    FixedPointMap T = (h, th) -> {
      Tensor g = withZero(h), gNext = sinkhornMap(g, th[0], th[1], th[2]);
      return gNext.slice(0, 0, n - 1).sub(gNext.index(0, n - 1));
    };
    Tensor h = FixedPointIteration.of(T).withTol(1e-13).run(Tensor.zeros(n - 1), C, a, b).orThrow();
    Tensor g = withZero(h), f = rowPotential(g, C, a);
    return f.reshape(-1, 1).add(g.reshape(1, -1)).sub(C).div(EPS).exp();
  }

  static Tensor withZero(Tensor h) {
    return Tensor.concat(0, h, Tensor.zeros(1));
  }

  /** f = ε log a − ε logsumexp_j((g_j − C_ij)/ε). */
  static Tensor rowPotential(Tensor g, Tensor C, Tensor a) {
    return a.log().sub(g.reshape(1, -1).sub(C).div(EPS).logsumexp(1)).mul(EPS);
  }

  /** One Sinkhorn sweep on the column potential: g ← ε log b − ε logsumexp_i((f_i − C_ij)/ε), f = f(g). */
  static Tensor sinkhornMap(Tensor g, Tensor C, Tensor a, Tensor b) {
    Tensor f = rowPotential(g, C, a);
    return b.log().sub(f.reshape(-1, 1).sub(C).div(EPS).logsumexp(0)).mul(EPS);
  }
}
