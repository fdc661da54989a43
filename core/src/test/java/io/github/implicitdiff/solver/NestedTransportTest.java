package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.projection.SinkhornOptions;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An implicit layer inside an implicit layer: projected gradient whose "projection" is the entropic transport
 * projection, itself differentiated implicitly (Sinkhorn's potentials by customRoot). Every product of the outer
 * implicit system then runs an inner linear solve. The fixed point P = Π(P − η(P − Θ)) is differentiated in Θ and
 * in the marginal a; references: central differences of tight re-solves, and the same solver with Sinkhorn unrolled.
 */
class NestedTransportTest {
  private static final Objective F = (P, th) -> P.sub(th[0]).square().sum().mul(0.5);

  private static Tensor solve(Tensor theta, Tensor a, Tensor b, boolean implicitSinkhorn) {
    SinkhornOptions s = SinkhornOptions.defaults().withRegularization(0.5).withTolerance(1e-13)
        .withImplicitDifferentiation(implicitSinkhorn);
    ProjectedGradient pg = ProjectedGradient.of(F, Projection.transport(s), 2).withStepSize(StepSize.fixed(0.5))
        .withTol(1e-12).withMaxIterations(5000);
    return pg.run(Tensor.full(1.0 / (a.dim(0) * b.dim(0)), a.dim(0), b.dim(0)), theta, a, b).orThrow();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 2})
  void nestedImplicitDerivativesMatchDifferencesAndTheUnrolledInnerLayer(long seed) {
    Random rng = new Random(seed);
    int m = 3 + (int) seed, n = 4;
    Tensor theta = Tensor.randn(rng, m, n), w = Tensor.randn(rng, m, n);
    Tensor a = Tensor.rand(rng, m).add(0.5), b = Tensor.rand(rng, n).add(0.5);
    a = a.div(a.sum());
    b = b.div(b.sum());
    Tensor af = a, bf = b;
    Tensor[] nested = AD.gradAll(in -> solve(in[0], in[1], bf, true).mul(w).sum(), theta, af);
    Tensor[] inner = AD.gradAll(in -> solve(in[0], in[1], bf, false).mul(w).sum(), theta, af);
    double h = 1e-5;
    // central differences in a direction of Θ and a mass-preserving direction of a
    Tensor dT = Tensor.randn(rng, m, n), da = Tensor.randn(rng, m);
    da = da.sub(da.mean());
    double fdT = (solve(theta.add(dT.mul(h)), af, bf, true).mul(w).sum().item()
        - solve(theta.sub(dT.mul(h)), af, bf, true).mul(w).sum().item()) / (2 * h);
    double fdA = (solve(theta, af.add(da.mul(h)), bf, true).mul(w).sum().item()
        - solve(theta, af.sub(da.mul(h)), bf, true).mul(w).sum().item()) / (2 * h);
    double gT = nested[0].vdot(dT), gA = nested[1].vdot(da);
    assertTrue(Math.abs(gT - fdT) <= 1e-6 * (1 + Math.abs(fdT)), "dΘ: nested " + gT + " vs differences " + fdT);
    assertTrue(Math.abs(gA - fdA) <= 1e-6 * (1 + Math.abs(fdA)), "da: nested " + gA + " vs differences " + fdA);
    double dTheta = nested[0].sub(inner[0]).normInf().item(), dA = nested[1].sub(inner[1]).normInf().item();
    assertTrue(dTheta <= 1e-8 * (1 + inner[0].normInf().item()), "Θ gradient: nested vs unrolled Sinkhorn differ by " + dTheta);
    assertTrue(dA <= 1e-8 * (1 + inner[1].normInf().item()), "a gradient: nested vs unrolled Sinkhorn differ by " + dA);
  }
}
