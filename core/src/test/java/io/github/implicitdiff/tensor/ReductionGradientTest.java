package io.github.implicitdiff.tensor;

import static io.github.implicitdiff.autodiff.GradientCheck.awayFromZero;
import static io.github.implicitdiff.autodiff.GradientCheck.check;
import static io.github.implicitdiff.autodiff.GradientCheck.checkSecondOrder;
import static io.github.implicitdiff.autodiff.GradientCheck.distinct;
import static io.github.implicitdiff.autodiff.GradientCheck.randomShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.implicitdiff.autodiff.AD;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JVP and VJP of reductions, softmax-type functions, cumsum and norms. */
class ReductionGradientTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void sumsAndMeans(long seed) {
    Random rng = new Random(seed);
    int[] s = randomShape(rng, 3, 4);
    Tensor x = Tensor.randn(rng, s);
    check("sum()", in -> in[0].sum().exp(), rng, x);
    for (int axis = -3; axis < 3; axis++) {
      int a = axis;
      check("sum(" + a + ")", in -> in[0].sum(a).sin(), rng, x);
      check("mean(" + a + ")", in -> in[0].mean(a).sin(), rng, x);
    }
    check("sum({0,2}, keepDims)", in -> in[0].sum(new int[] {0, 2}, true).exp().mul(in[0]), rng, x);
    check("sum({0,2})", in -> in[0].sum(new int[] {2, 0}, false).exp(), rng, x);
    check("sum({0,1}, keepDims)", in -> in[0].sum(new int[] {0, 1}, true).mul(in[0]), rng, x);
    check("sum({1,2})", in -> in[0].sum(new int[] {1, 2}, false).exp(), rng, x);
    check("mean()", in -> in[0].mean().exp(), rng, x);
    check("mean({0,2}, keepDims)", in -> in[0].mean(new int[] {0, 2}, true).exp().mul(in[0]), rng, x);
    check("sum of scalar", in -> in[0].sum().mul(in[0]), rng, Tensor.scalar(0.7));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void maxAndMinWithoutTies(long seed) {
    Random rng = new Random(seed);
    Tensor x = distinct(rng, 2, 3, 4);
    check("max()", in -> in[0].max().mul(in[0]), rng, x);
    check("min()", in -> in[0].min().mul(in[0]), rng, x);
    for (int axis = 0; axis < 3; axis++) {
      int a = axis;
      check("max(" + a + ")", in -> in[0].max(a).sin(), rng, x);
      check("min(" + a + ")", in -> in[0].min(a).sin(), rng, x);
    }
    check("max({0,2}, keepDims)", in -> in[0].max(new int[] {0, 2}, true).mul(in[0]), rng, x);
    check("min({1,2})", in -> in[0].min(new int[] {1, 2}, false).exp(), rng, x);
    check("normInf", in -> in[0].normInf().mul(in[0]), rng, x);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void softmaxFamilyAndCumsum(long seed) {
    Random rng = new Random(seed);
    Tensor x = Tensor.randn(rng, 3, 4).mul(2);
    check("logsumexp()", in -> in[0].logsumexp(), rng, x);
    for (int axis = -2; axis < 2; axis++) {
      int a = axis;
      check("logsumexp(" + a + ")", in -> in[0].logsumexp(a), rng, x);
      check("softmax(" + a + ")", in -> in[0].softmax(a), rng, x);
      check("logSoftmax(" + a + ")", in -> in[0].logSoftmax(a), rng, x);
      check("cumsum(" + a + ")", in -> in[0].cumsum(a).sin(), rng, x);
    }
    Tensor y = Tensor.randn(rng, 2, 3, 2);
    check("cumsum 3-d middle axis", in -> in[0].cumsum(1).exp(), rng, y);
    check("softmax 3-d middle axis", in -> in[0].softmax(1), rng, y);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void norms(long seed) {
    Random rng = new Random(seed);
    Tensor x = awayFromZero(rng, 0.1, 3, 4);
    check("norm", in -> in[0].norm(), rng, x);
    check("normSquared", in -> in[0].normSquared(), rng, x);
    check("norm1", in -> in[0].norm1(), rng, x);
    check("norm of a vector", in -> in[0].norm().mul(in[0]), rng, Tensor.randn(rng, 5));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void secondOrderOfReductions(long seed) {
    Random rng = new Random(seed);
    Tensor x = Tensor.randn(rng, 3, 4);
    checkSecondOrder("sum axes", v -> v.sum(new int[] {0}, true).mul(v).sin(), rng, x);
    checkSecondOrder("mean", v -> v.mean(1).exp(), rng, x);
    checkSecondOrder("logsumexp", v -> v.logsumexp(1), rng, x);
    checkSecondOrder("softmax", v -> v.softmax(0), rng, x);
    checkSecondOrder("logSoftmax", v -> v.logSoftmax(-1), rng, x);
    checkSecondOrder("cumsum", v -> v.cumsum(1).square(), rng, x);
    checkSecondOrder("max", v -> v.max(1).square().mul(v.min(0).sum()), rng, distinct(rng, 3, 4));
    checkSecondOrder("norm", v -> v.norm().mul(v), rng, x);
  }

  @Test
  void tiedMaximaShareTheDerivativeEvenly() {
    Tensor x = Tensor.of(new double[][] {{1, 3, 3}, {2, 2, 2}});
    assertArrayEquals(new double[] {0, 0.5, 0.5, 1.0 / 3, 1.0 / 3, 1.0 / 3},
        AD.grad(v -> v.max(1).sum(), x).toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {0.5, 0, 0.5, 0, 0, 1},
        AD.grad(v -> v.min(1).sum(), Tensor.of(new double[][] {{1, 3, 1}, {2, 2, 1}})).toDoubleArray(), 1e-15);
    Tensor t = AD.jvp(v -> v.max(), Tensor.of(1, 3, 3), Tensor.of(5, 1, 2)).outTangent();
    assertArrayEquals(new double[] {1.5}, new double[] {t.item()}, 1e-15);
  }

  @Test
  void logsumexpStaysFiniteForLargeInputs() {
    Tensor x = Tensor.of(1000, 1000, -1000);
    double expected = 1000 + Math.log(2);
    assertArrayEquals(new double[] {expected}, new double[] {x.logsumexp().item()}, 1e-12);
    assertArrayEquals(new double[] {0.5, 0.5, 0}, AD.grad(Tensor::logsumexp, x).toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {0.5, 0.5, 0}, x.softmax(0).toDoubleArray(), 1e-15);
  }
}
