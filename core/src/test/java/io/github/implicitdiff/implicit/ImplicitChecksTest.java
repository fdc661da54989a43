package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checks before trusting the theorem: residual, closures over traced tensors, singular ∂₁F, shapes. */
class ImplicitChecksTest {
  final Random rng = new Random(7);
  final Tensor X = Tensor.randn(rng, 20, 4), y = Tensor.randn(rng, 20);
  final Optimality ridge = (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(20).add(th[0].mul(w));

  Tensor exact(Tensor lam) {
    return TestSolvers.gauss(X.T().matmul(X).div(20).add(Tensor.eye(4).mul(lam)), X.T().matmul(y).div(20));
  }

  @Test
  void inaccurateSolverIsRejected() {
    MultiInputFunction w = Implicit.customRoot(ridge, th -> exact(th[0]).add(1e-2), TestSolvers.dense());
    ImplicitConditionException e = assertThrows(ImplicitConditionException.class,
        () -> AD.grad(l -> w.apply(l).sum(), Tensor.scalar(0.5)));
    assertTrue(e.getMessage().contains("does not satisfy F(x, θ) = 0"), e.getMessage());
  }

  @Test
  void warnPolicyReportsInsteadOfThrowing() {
    List<ImplicitDiagnostics> seen = new ArrayList<>();
    ImplicitOptions opts = ImplicitOptions.defaults().withPolicy(ImplicitOptions.CheckPolicy.WARN).withListener(seen::add);
    MultiInputFunction w = Implicit.customRoot(ridge, th -> exact(th[0]).add(1e-2), TestSolvers.dense(), opts);
    AD.grad(l -> w.apply(l).sum(), Tensor.scalar(0.5));
    assertEquals(ImplicitDiagnostics.Stage.SOLVE, seen.get(0).stage());
    assertNotNull(seen.get(0).warning());
    assertTrue(seen.get(0).residualRms() > 1e-4);
    assertEquals(ImplicitDiagnostics.Stage.VJP, seen.get(1).stage());
    assertNotNull(seen.get(1).linearSolution());
  }

  @Test
  void diagnosticsReportLinearSolves() {
    List<ImplicitDiagnostics> seen = new ArrayList<>();
    MultiInputFunction w = Implicit.customRoot(ridge, th -> exact(th[0]), TestSolvers.dense(),
        ImplicitOptions.defaults().withListener(seen::add));
    AD.jvp(l -> w.apply(l), Tensor.scalar(0.5), Tensor.scalar(1.0));
    assertEquals(2, seen.size());
    assertEquals(ImplicitDiagnostics.Stage.JVP, seen.get(1).stage());
    assertTrue(seen.get(1).linearSolution().relativeResidual() < 1e-10);
    assertNull(seen.get(0).warning());
  }

  @Test
  void closureOverTracedTensorIsRejected() {
    // F closes over λ, which the outer grad traces: its derivative would be lost, so it must fail loudly.
    ImplicitConditionException e = assertThrows(ImplicitConditionException.class, () -> AD.grad(lam -> {
      Optimality Fclosed = (w, th) -> X.T().matmul(X.matmul(w).sub(y)).div(20).add(lam.mul(w));
      MultiInputFunction w = Implicit.customRoot(Fclosed, th -> exact(lam.concrete()), TestSolvers.dense());
      return w.apply().sum();
    }, Tensor.scalar(0.5)));
    assertTrue(e.getMessage().contains("pass that tensor as an argument"), e.getMessage());
  }

  @Test
  void closureOverTracedDataThroughThetaIsCorrect() {
    // The same dependence passed as θ gives the right derivative: d/dλ Σ w*(λ) = −1ᵀ A⁻¹ w*.
    Tensor lam = Tensor.scalar(0.5);
    MultiInputFunction w = Implicit.customRoot(ridge, th -> exact(th[0]), TestSolvers.dense());
    double g = AD.grad(l -> w.apply(l).sum(), lam).item();
    Tensor A = X.T().matmul(X).div(20).add(Tensor.eye(4).mul(0.5));
    double expected = -TestSolvers.gauss(A, exact(lam)).sum().item();
    assertEquals(expected, g, 1e-12);
  }

  @Test
  void singularJacobianIsReported() {
    // F(x, θ) = (x0 + x1 − θ, x0 + x1 − θ): every point on a line is a root; ∂₁F is singular.
    Optimality F = (x, th) -> {
      Tensor s = x.sum().sub(th[0]);
      return Tensor.stack(0, s, s);
    };
    MultiInputFunction f = Implicit.customRoot(F, th -> Tensor.of(th[0].item() / 2, th[0].item() / 2), TestSolvers.dense());
    SingularMatrixException e = assertThrows(SingularMatrixException.class,
        () -> AD.grad(t -> f.apply(t).sum(), Tensor.scalar(1.0)));
    assertTrue(e.getMessage().contains("∂₁F is singular"), e.getMessage());
  }

  @Test
  void residualShapeMismatchIsReported() {
    Optimality F = (x, th) -> x.sum();
    MultiInputFunction f = Implicit.customRoot(F, th -> Tensor.zeros(3), TestSolvers.dense());
    ShapeException e = assertThrows(ShapeException.class, () -> f.apply(Tensor.scalar(1.0)));
    assertTrue(e.getMessage().contains("must have x's shape"), e.getMessage());
  }

  @Test
  void nanFromSolverIsReported() {
    MultiInputFunction f = Implicit.customRoot(ridge, th -> Tensor.full(Double.NaN, 4), TestSolvers.dense());
    assertThrows(io.github.implicitdiff.tensor.NonFiniteException.class, () -> f.apply(Tensor.scalar(1.0)));
  }

  @Test
  void auxiliaryOutputPassesThrough() {
    Implicit.ImplicitFunctionWithAux<String> f = Implicit.customRootWithAux(ridge,
        th -> new Implicit.WithAux<>(exact(th[0]), "closed form"), TestSolvers.dense(), ImplicitOptions.defaults());
    Implicit.WithAux<String> r = f.apply(Tensor.scalar(0.5));
    assertEquals("closed form", r.aux());
    assertTrue(r.x().allClose(exact(Tensor.scalar(0.5)), 0));
  }
}
