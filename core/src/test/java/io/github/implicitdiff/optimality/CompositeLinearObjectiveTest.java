package io.github.implicitdiff.optimality;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CompositeLinearObjectiveTest {
  /** h(z, θ) = Σ log(1 + e^{θ z}): not quadratic, so a wrong chain rule shows in the gradient. */
  static final Objective SOFTPLUS = (z, th) -> z.mul(th[0]).softplus().sum();

  private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double err = actual.sub(expected).maxAbs();
    assertTrue(err <= tol * Math.max(1, expected.maxAbs()), what + ": max error " + err);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void valueAndGradientsAreThoseOfHOfATransposeXPlusLinearTerm(long seed) {
    Random rng = new Random(seed);
    int m = 6, p = 4;
    Tensor A = Tensor.randn(rng, m, p), theta = Tensor.scalar(0.7);
    for (int[] shape : new int[][] {{m}, {m, 3}}) {
      Tensor x = Tensor.randn(rng, shape), c = Tensor.randn(rng, shape);
      CompositeLinearObjective f = CompositeLinearObjective.of(SOFTPLUS, A, c);
      Objective plain = (v, th) -> A.T().matmul(v).mul(th[0]).softplus().sum().add(c.mul(v).sum());
      assertEquals(plain.apply(x, theta).item(), f.apply(x, theta).item(), 1e-12, "value " + x.shapeString());
      assertEquals(0, f.apply(x, theta).ndim(), "a scalar");
      assertClose(AD.grad(v -> plain.apply(v, theta), x), AD.grad(v -> f.apply(v, theta), x), 1e-12, "∇x");
      assertClose(AD.grad(t -> plain.apply(x, t), theta), AD.grad(t -> f.apply(x, t), theta), 1e-12, "∂θ");
      // block gradients: A[b]·∇h(z) + c[b]
      Tensor gradH = AD.grad(z -> f.outer(z, theta), f.image(x)), full = AD.grad(v -> f.apply(v, theta), x);
      for (int b = 0; b < m; b++)
        assertClose(full.index(0, b), A.index(0, b).matmul(gradH).add(c.index(0, b)), 1e-12, "block " + b);
      CompositeLinearObjective noLinear = CompositeLinearObjective.of(SOFTPLUS, A);
      assertEquals(SOFTPLUS.apply(A.T().matmul(x), theta).item(), noLinear.apply(x, theta).item(), 1e-12, "no c");
      assertNull(noLinear.linearTerm());
    }
  }

  @Test
  void badInputGivesClearExceptions() {
    Tensor A = Tensor.ones(5, 3);
    assertThrows(IllegalArgumentException.class, () -> CompositeLinearObjective.of(null, A));
    assertThrows(IllegalArgumentException.class, () -> CompositeLinearObjective.of(SOFTPLUS, null));
    assertThrows(IllegalArgumentException.class, () -> CompositeLinearObjective.of(SOFTPLUS, A, null));
    var e = assertThrows(ShapeException.class, () -> CompositeLinearObjective.of(SOFTPLUS, Tensor.ones(5)));
    assertTrue(e.getMessage().contains("matrix"), e.getMessage());
    e = assertThrows(ShapeException.class, () -> CompositeLinearObjective.of(SOFTPLUS, A, Tensor.ones(4, 2)));
    assertTrue(e.getMessage().contains("(4, 2)") && e.getMessage().contains("(5, 3)"), e.getMessage());
    assertThrows(ShapeException.class, () -> CompositeLinearObjective.of(SOFTPLUS, A, Tensor.ones(5, 2, 2)));
    assertThrows(NonFiniteException.class,
        () -> CompositeLinearObjective.of(SOFTPLUS, Tensor.fromArray(new double[] {1, Double.NaN}, 2, 1)));

    CompositeLinearObjective f = CompositeLinearObjective.of(SOFTPLUS, A, Tensor.ones(5, 2));
    Tensor th = Tensor.scalar(1);
    e = assertThrows(ShapeException.class, () -> f.apply(Tensor.ones(4, 2), th));
    assertTrue(e.getMessage().contains("4 blocks") && e.getMessage().contains("5 rows"), e.getMessage());
    e = assertThrows(ShapeException.class, () -> f.apply(Tensor.ones(5, 3), th));
    assertTrue(e.getMessage().contains("linear term"), e.getMessage());
    assertThrows(ShapeException.class, () -> f.apply(Tensor.scalar(1), th));
    assertThrows(IllegalArgumentException.class, () -> f.requireCompatible(null));
    CompositeLinearObjective vectorValued = CompositeLinearObjective.of((z, t) -> z, A);
    e = assertThrows(ShapeException.class, () -> vectorValued.apply(Tensor.ones(5), th));
    assertTrue(e.getMessage().contains("single value"), e.getMessage());
  }
}
