package io.github.implicitdiff.autodiff;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hessians, Hessian-vector products and third derivatives against differences and closed forms. */
class SecondOrderTest {
  /** A scalar function mixing most primitive kinds: f(x) = Σ sin(x) x² + logsumexp(W x) + ‖x‖·tanh(x₀). */
  private static TensorFunction testFunction(Random rng, int n) {
    Tensor w = Tensor.randn(rng, 4, n);
    return x -> x.sin().mul(x.square()).sum().add(w.matmul(x).logsumexp()).add(x.norm().mul(x.index(0, 0).tanh()));
  }

  /** Central differences of the gradient along v: (∇f(x + hv) − ∇f(x − hv)) / 2h. */
  private static Tensor gradientDifference(TensorFunction f, Tensor x, Tensor v) {
    double h = GradientCheck.STEP;
    return AD.grad(f, x.add(v.mul(h))).sub(AD.grad(f, x.sub(v.mul(h)))).div(2 * h);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void hvpMatchesDifferencesOfTheGradient(long seed) {
    Random rng = new Random(seed);
    int n = 2 + rng.nextInt(4);
    TensorFunction f = testFunction(rng, n);
    Tensor x = Tensor.randn(rng, n), v = Tensor.randn(rng, n);
    assertClose("hvp", gradientDifference(f, x, v), AD.hvp(f, x, v), 1e-6);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void hessianMatchesDifferencesAndReverseOverReverse(long seed) {
    Random rng = new Random(seed);
    int n = 2 + rng.nextInt(4);
    TensorFunction f = testFunction(rng, n);
    Tensor x = Tensor.randn(rng, n);
    Tensor h = AD.hessian(f, x);
    assertArrayEquals(new int[] {n, n}, h.shape());
    for (int j = 0; j < n; j++) {
      Tensor column = gradientDifference(f, x, Tensor.eye(n).row(j));
      assertClose("hessian column " + j, column, h.slice(1, j, j + 1).reshape(-1), 1e-6);
    }
    assertClose("hessian symmetric", h, h.T(), 1e-12);
    Tensor reverseOverReverse = AD.jacobian(y -> AD.grad(f, y), x, AD.Mode.REVERSE);
    assertClose("reverse-over-reverse = forward-over-reverse", h, reverseOverReverse, 1e-12);
    Tensor forwardOverForward = AD.jacobian(y -> AD.jacobian(f, y, AD.Mode.FORWARD), x, AD.Mode.FORWARD);
    assertClose("forward-over-forward", h, forwardOverForward, 1e-12);
    Tensor reverseOverForward = AD.jacobian(y -> AD.jacobian(f, y, AD.Mode.FORWARD), x, AD.Mode.REVERSE);
    assertClose("reverse-over-forward", h, reverseOverForward, 1e-12);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void quadraticFormHasHessianSymmetricPartOfA(long seed) {
    Random rng = new Random(seed);
    int n = 2 + rng.nextInt(5);
    Tensor a = Tensor.randn(rng, n, n); // not symmetric
    Tensor x = Tensor.randn(rng, n);
    TensorFunction q = y -> y.dot(a.matmul(y)).mul(0.5);
    Tensor expected = a.add(a.T()).mul(0.5);
    assertClose("hessian of ½xᵀAx", expected, AD.hessian(q, x), 1e-13);
    assertClose("gradient of ½xᵀAx", expected.matmul(x), AD.grad(q, x), 1e-13);
    Tensor v = Tensor.randn(rng, n);
    assertClose("hvp of ½xᵀAx", expected.matmul(v), AD.hvp(q, x, v), 1e-13);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void logsumexpHessianIsDiagPMinusPPt(long seed) {
    Random rng = new Random(seed);
    int n = 2 + rng.nextInt(5);
    Tensor x = Tensor.randn(rng, n).mul(2);
    Tensor p = x.softmax(0);
    Tensor expected = Tensor.eye(n).mul(p).sub(p.outer(p));
    assertClose("hessian", expected, AD.hessian(Tensor::logsumexp, x), 1e-13);
    assertClose("reverse over reverse", expected, AD.jacobian(y -> AD.grad(Tensor::logsumexp, y), x, AD.Mode.REVERSE), 1e-13);
    assertClose("jacobian of softmax", expected, AD.jacobian(y -> y.softmax(0), x), 1e-13);
  }

  @Test
  void thirdDerivativeOfSinIsMinusCos() {
    for (double x0 : new double[] {-2.1, -0.3, 0, 0.7, 1.9}) {
      Tensor x = Tensor.scalar(x0);
      Tensor one = Tensor.scalar(1);
      double expected = -Math.cos(x0);
      double revRevRev = AD.grad(a -> AD.grad(b -> AD.grad(Tensor::sin, b), a), x).item();
      double fwdFwdRev = AD.jvp(a -> AD.jvp(b -> AD.grad(Tensor::sin, b), a, one).outTangent(), x, one).outTangent().item();
      double fwdFwdFwd = AD.jvp(a -> AD.jvp(b -> AD.jvp(Tensor::sin, b, one).outTangent(), a, one).outTangent(), x, one)
          .outTangent().item();
      double revFwdRev = AD.grad(a -> AD.jvp(b -> AD.grad(Tensor::sin, b), a, one).outTangent(), x).item();
      assertEquals(expected, revRevRev, 1e-15, "reverse³ at " + x0);
      assertEquals(expected, fwdFwdRev, 1e-15, "forward-forward-reverse at " + x0);
      assertEquals(expected, fwdFwdFwd, 1e-15, "forward³ at " + x0);
      assertEquals(expected, revFwdRev, 1e-15, "reverse-forward-reverse at " + x0);
      // fourth order: sin'''' = sin
      double fourth = AD.grad(a -> AD.grad(b -> AD.grad(c -> AD.grad(Tensor::sin, c), b), a), x).item();
      assertEquals(Math.sin(x0), fourth, 1e-15, "fourth derivative at " + x0);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void thirdOrderTensorOfCubicMatchesClosedForm(long seed) {
    // f(x) = Σ_ijk T_ijk x_i x_j x_k / 6 with symmetric T: ∇³f = T
    Random rng = new Random(seed);
    int n = 3;
    Tensor r = Tensor.randn(rng, n, n, n);
    Tensor t = r.add(r.transpose(0, 2, 1)).add(r.transpose(1, 0, 2)).add(r.transpose(1, 2, 0)).add(r.transpose(2, 0, 1))
        .add(r.transpose(2, 1, 0)).div(6);
    TensorFunction f = x -> t.mul(x.reshape(n, 1, 1)).mul(x.reshape(1, n, 1)).mul(x.reshape(1, 1, n)).sum().div(6);
    Tensor x = Tensor.randn(rng, n);
    Tensor third = AD.jacobian(y -> AD.hessian(f, y), x, AD.Mode.REVERSE);
    assertClose("∇³ of a cubic", t, third, 1e-12);
    Tensor thirdForward = AD.jacobian(y -> AD.hessian(f, y), x, AD.Mode.FORWARD);
    assertClose("∇³ of a cubic (forward)", t, thirdForward, 1e-12);
  }
}
