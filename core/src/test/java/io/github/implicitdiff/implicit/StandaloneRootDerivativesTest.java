package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** rootJvp / rootVjp at a known root, and customRoot with its default linear solver, against the closed form. */
class StandaloneRootDerivativesTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void rootJvpAndRootVjpMatchTheRidgeClosedForm(long seed) {
    Random rng = new Random(seed);
    int n = 40, d = 6;
    Tensor X = Tensor.randn(rng, n, d), y = Tensor.randn(rng, n);
    Tensor lam = Tensor.uniform(rng, 0.1, 1.0, d); // one λ per feature
    Optimality F = (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(n).add(th[0].mul(w));
    Tensor A = X.T().matmul(X).div(n).add(Tensor.eye(d).mul(lam));
    Tensor w = TestSolvers.gauss(A, X.T().matmul(y).div(n));
    Tensor J = TestSolvers.gauss(A, Tensor.eye(d)).mul(w.reshape(1, -1)).neg(); // ∂w/∂λ = −A⁻¹ diag(w)
    Tensor v = Tensor.randn(rng, d), g = Tensor.randn(rng, d);
    Tensor jvp = Implicit.rootJvp(F, w, new Tensor[] {lam}, new Tensor[] {v}, LinearSolvers.gmres(), ImplicitOptions.defaults());
    Tensor[] vjp = Implicit.rootVjp(F, w, new Tensor[] {lam}, g, LinearSolvers.gmres(), ImplicitOptions.defaults());
    assertTrue(jvp.allClose(J.matmul(v), 1e-9), "JVP");
    assertTrue(vjp[0].allClose(J.T().matmul(g), 1e-9), "VJP");
    MultiInputFunction wStar = Implicit.customRoot(F, th -> TestSolvers.gauss(X.T().matmul(X).div(n)
        .add(Tensor.eye(d).mul(th[0])), X.T().matmul(y).div(n)));
    assertTrue(AD.jacobian(l -> wStar.apply(l), lam).allClose(J, 1e-9), "default linear solver (GMRES)");
  }
}
