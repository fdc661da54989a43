package io.github.implicitdiff.autodiff;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Perturbation confusion, custom rules, stopGradient, Jacobian modes and multi-input/output functions. */
class NestingAndCustomRulesTest {
  private static final double[] POINTS = {-2, -0.5, 0, 0.5, 3};
  private static final Tensor ONE = Tensor.scalar(1);

  private static double reverseDerivative(TensorFunction f, double x) {
    return AD.grad(f, Tensor.scalar(x)).item();
  }

  private static Tensor forwardDerivative(TensorFunction f, Tensor x) {
    return AD.jvp(f, x, Tensor.onesLike(x)).outTangent();
  }

  // ---------------------------------------------------------------- perturbation confusion

  @Test
  void noPerturbationConfusionInAnyModeCombination() {
    // d/dx [x · (d/dy (x + y))] = 1: the inner derivative must not see x's perturbation
    for (double x0 : POINTS) {
      Tensor x = Tensor.scalar(x0);
      double revRev = AD.grad(a -> a.mul(AD.grad(y -> a.add(y), ONE)), x).item();
      double revFwd = AD.grad(a -> a.mul(forwardDerivative(y -> a.add(y), ONE)), x).item();
      double fwdRev = forwardDerivative(a -> a.mul(AD.grad(y -> a.add(y), ONE)), x).item();
      double fwdFwd = forwardDerivative(a -> a.mul(forwardDerivative(y -> a.add(y), ONE)), x).item();
      assertEquals(1.0, revRev, 0.0, "reverse over reverse at " + x0);
      assertEquals(1.0, revFwd, 0.0, "reverse over forward at " + x0);
      assertEquals(1.0, fwdRev, 0.0, "forward over reverse at " + x0);
      assertEquals(1.0, fwdFwd, 0.0, "forward over forward at " + x0);
    }
  }

  @Test
  void innerDerivativeDependingOnOuterVariable() {
    // d/dx [x · (d/dy (x · y))] = d/dx x² = 2x (a confused implementation gives x or 3x)
    for (double x0 : POINTS) {
      Tensor x = Tensor.scalar(x0);
      double revRev = AD.grad(a -> a.mul(AD.grad(y -> a.mul(y), ONE)), x).item();
      double revFwd = AD.grad(a -> a.mul(forwardDerivative(y -> a.mul(y), ONE)), x).item();
      double fwdRev = forwardDerivative(a -> a.mul(AD.grad(y -> a.mul(y), ONE)), x).item();
      double fwdFwd = forwardDerivative(a -> a.mul(forwardDerivative(y -> a.mul(y), ONE)), x).item();
      for (double d : new double[] {revRev, revFwd, fwdRev, fwdFwd}) assertEquals(2 * x0, d, 0.0, "at " + x0);
    }
  }

  @Test
  void sameFunctionDifferentiatedAtTwoLevels() {
    // d/dx f'(x) where f(y) = y·x closes over x: d/dx x = 1, not f''(x) = 0
    for (double x0 : POINTS) {
      double d = reverseDerivative(a -> AD.grad(y -> y.mul(a), a), x0);
      assertEquals(1.0, d, 0.0);
    }
  }

  // ---------------------------------------------------------------- custom rules

  @Test
  void customJvpRuleIsUsedInBothModes() {
    // body sin(x), rule 2·dx: every derivative must come from the rule
    MultiInputFunction f = AD.customJvp(x -> x[0].sin(), (x, out, dx) -> dx[0].mul(2));
    Tensor x = Tensor.of(0.3, -1.2, 2.0);
    Tensor v = Tensor.of(1, 2, 3);
    assertArrayEquals(x.sin().toDoubleArray(), f.apply(x).toDoubleArray(), 0, "value comes from the body");
    assertArrayEquals(new double[] {2, 4, 6}, AD.jvp(y -> f.apply(y), x, v).outTangent().toDoubleArray(), 0, "forward");
    assertArrayEquals(new double[] {2, 4, 6}, AD.vjp(y -> f.apply(y), x, v).toDoubleArray(), 0, "reverse (transposed rule)");
    assertClose("jacobian forward", Tensor.eye(3).mul(2), AD.jacobian(y -> f.apply(y), x, AD.Mode.FORWARD), 0);
    assertClose("jacobian reverse", Tensor.eye(3).mul(2), AD.jacobian(y -> f.apply(y), x, AD.Mode.REVERSE), 0);
  }

  @Test
  void customVjpRuleIsUsedInBothModes() {
    MultiInputFunction f = AD.customVjp(x -> x[0].sin(), (x, out, g) -> new Tensor[] {g.mul(3)});
    Tensor x = Tensor.of(0.3, -1.2);
    Tensor v = Tensor.of(1, 2);
    assertArrayEquals(new double[] {3, 6}, AD.vjp(y -> f.apply(y), x, v).toDoubleArray(), 0, "reverse");
    assertArrayEquals(new double[] {3, 6}, AD.jvp(y -> f.apply(y), x, v).outTangent().toDoubleArray(), 0,
        "forward (transposed rule)");
  }

  @Test
  void customWithBothRulesUsesEachInItsMode() {
    MultiInputFunction f = AD.custom(x -> x[0].sin(), (x, out, dx) -> dx[0].mul(2), (x, out, g) -> new Tensor[] {g.mul(3)});
    Tensor x = Tensor.of(0.3, -1.2);
    Tensor v = Tensor.of(1, 2);
    assertArrayEquals(new double[] {2, 4}, AD.jvp(y -> f.apply(y), x, v).outTangent().toDoubleArray(), 0);
    assertArrayEquals(new double[] {3, 6}, AD.vjp(y -> f.apply(y), x, v).toDoubleArray(), 0);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void transposedRulesOfMultiInputCustomFunctions(long seed) {
    // f(a, b) = a ⊙ b; given one rule, the other mode is its exact transpose
    Random rng = new Random(seed);
    Tensor a = Tensor.randn(rng, 2, 3), b = Tensor.randn(rng, 2, 3);
    MultiInputFunction viaJvp = AD.customJvp(x -> x[0].mul(x[1]), (x, out, dx) -> dx[0].mul(x[1]).add(x[0].mul(dx[1])));
    MultiInputFunction viaVjp = AD.customVjp(x -> x[0].mul(x[1]), (x, out, g) -> new Tensor[] {g.mul(x[1]), g.mul(x[0])});
    GradientCheck.check("customJvp a⊙b", in -> viaJvp.apply(in).sin(), rng, a, b);
    GradientCheck.check("customVjp a⊙b", in -> viaVjp.apply(in).sin(), rng, a, b);
    // rules written in tensor ops differentiate again: second order through the custom primitive
    GradientCheck.checkSecondOrder("customJvp second order", x -> viaJvp.apply(x, x.cos()), rng, a);
    GradientCheck.checkSecondOrder("customVjp second order", x -> viaVjp.apply(x, x.cos()), rng, a);
  }

  @Test
  void customVjpRuleWithANullCotangentMeansZero() {
    // f(a, b) = a·b with b declared non-differentiable by a null cotangent
    MultiInputFunction f = AD.customVjp(x -> x[0].mul(x[1]), (x, out, g) -> new Tensor[] {g.mul(x[1]), null});
    Tensor a = Tensor.of(1, 2), b = Tensor.of(3, 4);
    JvpResult r = AD.jvp(in -> new Tensor[] {f.apply(in)}, new Tensor[] {a, b}, new Tensor[] {Tensor.ones(2), Tensor.ones(2)});
    assertArrayEquals(new double[] {3, 4}, r.outTangent().toDoubleArray(), 0, "forward: only a's contribution");
    Tensor[] g = AD.gradAll(in -> f.apply(in).sum(), a, b);
    assertArrayEquals(new double[] {3, 4}, g[0].toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, 0}, g[1].toDoubleArray(), 0);
  }

  @Test
  void secondOrderFollowsTheCustomRule() {
    // body x³ but rule 2x·dx (the derivative of x²): gradient 2x and Hessian 2I in every composition
    MultiInputFunction f = AD.customJvp(x -> x[0].pow(3), (x, out, dx) -> x[0].mul(2).mul(dx[0]));
    TensorFunction s = y -> f.apply(y).sum();
    Tensor x = Tensor.of(0.5, -1.5, 2);
    assertArrayEquals(new double[] {1, -3, 4}, AD.grad(s, x).toDoubleArray(), 1e-15);
    assertClose("hessian (forward over reverse)", Tensor.eye(3).mul(2), AD.hessian(s, x), 1e-15);
    assertClose("reverse over reverse", Tensor.eye(3).mul(2), AD.jacobian(y -> AD.grad(s, y), x, AD.Mode.REVERSE), 1e-15);
  }

  // ---------------------------------------------------------------- stopGradient

  @Test
  void stopGradientHasZeroDerivativeAtEveryLevel() {
    Tensor x = Tensor.of(0.5, -2.0, 1.5);
    // d/dx Σ x·sg(x) = sg(x) (2x without the stop)
    assertArrayEquals(x.toDoubleArray(), AD.grad(y -> y.mul(y.stopGradient()).sum(), x).toDoubleArray(), 0);
    assertArrayEquals(new double[3], AD.grad(y -> AD.stopGradient(y.exp()).sum(), x).toDoubleArray(), 0);
    assertArrayEquals(new double[3], AD.jvp(y -> y.stopGradient().sin(), x, Tensor.ones(3)).outTangent().toDoubleArray(), 0);
    // ∇ Σ y·sg(y)² = sg(y)², so the Hessian is 0 (diag(6y) without the stop), in both second-order compositions
    TensorFunction f = y -> y.mul(y.stopGradient().square()).sum();
    assertClose("hessian, forward over reverse", Tensor.zeros(3, 3), AD.hessian(f, x), 0);
    assertClose("hessian, reverse over reverse", Tensor.zeros(3, 3), AD.jacobian(y -> AD.grad(f, y), x, AD.Mode.REVERSE), 0);
    assertClose("gradient", x.square(), AD.grad(f, x), 0);
    // an inner derivative that is stopped contributes nothing to the outer one
    assertEquals(0.0, reverseDerivative(a -> AD.grad(y -> y.mul(a).stopGradient(), a).add(a.stopGradient().square()), 1.5), 0.0);
    // d/da [a · d/dy (y·sg(a))] = d/da [a·sg(a)] = sg(a) = 1.5 (3 = 2a without the stop)
    assertEquals(1.5, reverseDerivative(a -> a.mul(AD.grad(y -> y.mul(a.stopGradient()), ONE)), 1.5), 0.0);
    assertEquals(1.5, forwardDerivative(a -> a.mul(AD.grad(y -> y.mul(a.stopGradient()), ONE)), Tensor.scalar(1.5)).item(), 0.0);
    // third order: d³/dx³ sg(x)·x³/6... the stop keeps its factor constant: d³/dx³ (c·x³/6) = c
    assertEquals(1.5, AD.grad(a -> AD.grad(b -> AD.grad(c -> c.pow(3).mul(a.stopGradient()).div(6), b), a), Tensor.scalar(1.5)).item(), 1e-15);
  }

  // ---------------------------------------------------------------- Jacobians

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void jacobianModesAgreeWithEachOtherAndDifferences(long seed) {
    Random rng = new Random(seed);
    Tensor w = Tensor.randn(rng, 4, 3);
    TensorFunction wide = x -> w.matmul(x.sin()).sum(1); // (3,2) -> (4,)
    TensorFunction tall = x -> x.reshape(-1).outer(x.reshape(-1)).exp(); // (3,2) -> (6,6)
    TensorFunction scalar = x -> x.square().sum().sqrt();
    Tensor x = Tensor.randn(rng, 3, 2);
    for (TensorFunction f : new TensorFunction[] {wide, tall, scalar}) {
      Tensor forward = AD.jacobian(f, x, AD.Mode.FORWARD);
      Tensor reverse = AD.jacobian(f, x, AD.Mode.REVERSE);
      Tensor auto = AD.jacobian(f, x);
      int[] expectedShape = AD.concat(f.apply(x).shape(), x.shape());
      assertArrayEquals(expectedShape, forward.shape());
      assertClose("forward vs reverse", reverse, forward, 1e-13);
      assertClose("auto vs reverse", reverse, auto, 1e-13);
      Tensor fd = Tensor.fromArray(flatten(GradientCheck.finiteDifferenceJacobian(in -> f.apply(in[0]), new Tensor[] {x}, 0,
          f.apply(x).size())), expectedShape);
      assertClose("jacobian vs central differences", fd, reverse, 1e-6);
    }
    Tensor s = Tensor.scalar(0.4);
    assertClose("scalar input", Tensor.of(Math.cos(0.4), 2 * 0.4), AD.jacobian(y -> Tensor.stack(0, y.sin(), y.square()), s), 1e-15);
  }

  private static double[] flatten(double[][] m) {
    double[] r = new double[m.length * (m.length == 0 ? 0 : m[0].length)];
    for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, r, i * m[i].length, m[i].length);
    return r;
  }

  // ---------------------------------------------------------------- several inputs and outputs

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void multiInputMultiOutputJvpAndVjp(long seed) {
    Random rng = new Random(seed);
    Tensor a = Tensor.randn(rng, 2, 3), b = Tensor.randn(rng, 3);
    MultiFunction f = in -> new Tensor[] {in[0].mul(in[1]).sin(), in[0].sum(0).dot(in[1].exp()), in[1]};
    Tensor da = Tensor.randn(rng, 2, 3), db = Tensor.randn(rng, 3);
    JvpResult jr = AD.jvp(f, new Tensor[] {a, b}, new Tensor[] {da, db});
    double h = GradientCheck.STEP;
    Tensor[] plus = f.apply(new Tensor[] {a.add(da.mul(h)), b.add(db.mul(h))});
    Tensor[] minus = f.apply(new Tensor[] {a.sub(da.mul(h)), b.sub(db.mul(h))});
    for (int k = 0; k < 3; k++)
      assertClose("output " + k + " tangent", plus[k].sub(minus[k]).div(2 * h), jr.tangent()[k], 1e-6);
    VjpResult vr = AD.vjp(f, a, b);
    Tensor[] u = {Tensor.randn(rng, 2, 3), Tensor.randn(rng), Tensor.randn(rng, 3)};
    Tensor[] w = vr.pullback().apply(u);
    double forward = 0;
    for (int k = 0; k < 3; k++) forward += u[k].vdot(jr.tangent()[k]);
    double reverse = w[0].vdot(da) + w[1].vdot(db);
    assertEquals(forward, reverse, 1e-12 * (1 + Math.abs(forward)));
    // each input's cotangent against differences of ⟨u, f⟩
    TensorFunction ua = x -> dot(u, f.apply(new Tensor[] {x, b}));
    TensorFunction ub = x -> dot(u, f.apply(new Tensor[] {a, x}));
    GradientCheck.check("⟨u, f⟩ in a", in -> ua.apply(in[0]), rng, a);
    assertClose("pullback a", AD.grad(ua, a), w[0], 1e-14);
    assertClose("pullback b", AD.grad(ub, b), w[1], 1e-14);
    // the pullback may be called again
    assertClose("pullback reused", w[0], vr.pullback().apply(u)[0], 0);
  }

  @Test
  void outputsThatDoNotDependOnTheInputs() {
    Tensor x = Tensor.of(1, 2);
    MultiFunction f = in -> new Tensor[] {Tensor.of(7, 8, 9), in[0].mul(2)};
    JvpResult jr = AD.jvp(f, new Tensor[] {x}, new Tensor[] {Tensor.ones(2)});
    assertArrayEquals(new double[3], jr.tangent()[0].toDoubleArray(), 0);
    assertFalse(jr.tangent()[0].isTraced());
    Tensor[] w = AD.vjp(f, x).pullback().apply(Tensor.ones(3), Tensor.ones(2));
    assertArrayEquals(new double[] {2, 2}, w[0].toDoubleArray(), 0);
    assertArrayEquals(new double[2], AD.grad(y -> Tensor.scalar(3), x).toDoubleArray(), 0);
    assertTrue(AD.valueAndGrad(y -> y.sum(), x).value().item() == 3);
  }

  private static Tensor dot(Tensor[] u, Tensor[] y) {
    Tensor s = u[0].mul(y[0]).sum();
    for (int k = 1; k < u.length; k++) s = s.add(u[k].mul(y[k]).sum());
    return s;
  }
}
