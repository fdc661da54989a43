package io.github.implicitdiff.tensor;

import static io.github.implicitdiff.autodiff.GradientCheck.awayFromZero;
import static io.github.implicitdiff.autodiff.GradientCheck.check;
import static io.github.implicitdiff.autodiff.GradientCheck.checkSecondOrder;
import static io.github.implicitdiff.autodiff.GradientCheck.onGrid;
import static io.github.implicitdiff.autodiff.GradientCheck.randomShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JVP and VJP of the elementwise operations against central differences, with broadcasting. */
class ElementwiseGradientTest {
  /** Pairs of broadcast-compatible shapes: equal, (3,1)+(1,4), trailing vector, scalar with matrix, … */
  static final int[][][] SHAPE_PAIRS = {
    {{3, 4}, {3, 4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {4}}, {{}, {3, 4}}, {{3, 4}, {}}, {{4}, {2, 3, 4}},
    {{2, 1, 4}, {3, 1}}, {{5}, {5}}
  };

  private static Random rng(long seed) {
    return new Random(seed);
  }

  private static int[] shape(Random rng) {
    return randomShape(rng, rng.nextInt(4), 4);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void smoothUnaryFunctions(long seed) {
    Random rng = rng(seed);
    int[] s = shape(rng);
    Tensor x = Tensor.randn(rng, s);
    Tensor positive = Tensor.uniform(rng, 0.5, 2.0, s);
    check("neg", in -> in[0].neg(), rng, x);
    check("exp", in -> in[0].exp(), rng, x);
    check("log", in -> in[0].log(), rng, positive);
    check("log1p", in -> in[0].log1p(), rng, Tensor.uniform(rng, -0.5, 2.0, s));
    check("expm1", in -> in[0].expm1(), rng, x);
    check("sqrt", in -> in[0].sqrt(), rng, positive);
    check("sin", in -> in[0].sin(), rng, x);
    check("cos", in -> in[0].cos(), rng, x);
    check("tanh", in -> in[0].tanh(), rng, x);
    check("sigmoid", in -> in[0].sigmoid(), rng, x.mul(3));
    check("softplus", in -> in[0].softplus(), rng, x.mul(3));
    check("square", in -> in[0].square(), rng, x);
    check("reciprocal", in -> in[0].reciprocal(), rng, positive.neg());
    check("pow(3)", in -> in[0].pow(3), rng, x);
    check("rsub", in -> in[0].rsub(2.5), rng, x);
    check("rdiv", in -> in[0].rdiv(2.5), rng, positive);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void piecewiseUnaryFunctionsAwayFromKinks(long seed) {
    Random rng = rng(seed);
    int[] s = shape(rng);
    Tensor x = awayFromZero(rng, 0.1, s);
    check("abs", in -> in[0].abs(), rng, x);
    check("relu", in -> in[0].relu(), rng, x);
    check("norm1 elementwise", in -> in[0].abs().mul(in[0]), rng, x);
    check("sign has zero derivative", in -> in[0].sign().mul(in[0]), rng, x);
    Tensor quarters = onGrid(rng, 0.25, s); // ≥ 0.25 from every integer and half-integer
    check("floor has zero derivative", in -> in[0].floor().mul(in[0]), rng, quarters);
    check("round has zero derivative", in -> in[0].round().mul(in[0]), rng, quarters);
    check("minimum image x − 3·round(x/3), squared", in -> in[0].sub(in[0].div(3).round().mul(3)).square(), rng,
        quarters.mul(1.7));
    check("clip(-1, 1)", in -> in[0].clip(-1, 1), rng, onGrid(rng, 0.5, s));
    check("maximum(0.25)", in -> in[0].maximum(0.25), rng, onGrid(rng, 0.5, s));
    check("minimum(0.25)", in -> in[0].minimum(0.25), rng, onGrid(rng, 0.5, s));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void binaryArithmeticWithBroadcasting(long seed) {
    for (int[][] p : SHAPE_PAIRS) {
      Random rng = rng(seed * 31 + p[0].length * 7 + p[1].length);
      String shapes = " " + Shapes.str(p[0]) + " with " + Shapes.str(p[1]);
      Tensor a = Tensor.randn(rng, p[0]), b = Tensor.randn(rng, p[1]);
      Tensor bAway = awayFromZero(rng, 0.5, p[1]);
      check("add" + shapes, in -> in[0].add(in[1]), rng, a, b);
      check("sub" + shapes, in -> in[0].sub(in[1]), rng, a, b);
      check("mul" + shapes, in -> in[0].mul(in[1]), rng, a, b);
      check("div" + shapes, in -> in[0].div(in[1]), rng, a, bAway);
      Tensor base = Tensor.uniform(rng, 0.5, 2.0, p[0]);
      check("pow (both arguments)" + shapes, in -> in[0].pow(in[1]), rng, base, b);
      Tensor ga = onGrid(rng, 0.3, p[0]), gb = onGrid(rng, 0.7, p[1]);
      check("maximum" + shapes, in -> in[0].maximum(in[1]), rng, ga, gb);
      check("minimum" + shapes, in -> in[0].minimum(in[1]), rng, ga, gb);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void clipWithTensorBoundsAndWhere(long seed) {
    Random rng = rng(seed);
    Tensor x = onGrid(rng, 0.5, 3, 4);
    Tensor lo = Tensor.full(-1.25, 1, 4), hi = Tensor.full(1.25, 3, 1);
    check("clip(lo, hi) with bounds differentiated", in -> in[0].clip(in[1], in[2]), rng, x, lo, hi);
    Tensor mask = Tensor.rand(rng, 3, 1).gt(0.5);
    Tensor a = Tensor.randn(rng, 3, 4), b = Tensor.randn(rng, 4);
    check("where (3,1) mask, (3,4) and (4,)", in -> Tensor.where(mask, in[0], in[1]), rng, a, b);
    Tensor fullMask = Tensor.rand(rng, 3, 4).gt(0.5);
    check("where scalar branch", in -> Tensor.where(fullMask, in[0], in[1]), rng, a, Tensor.scalar(0.3));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void secondOrderOfElementwiseRules(long seed) {
    Random rng = rng(seed);
    Tensor x = Tensor.randn(rng, 2, 3);
    Tensor positive = Tensor.uniform(rng, 0.5, 2.0, 2, 3);
    TensorFunction[] smooth = {
      Tensor::exp, Tensor::sin, Tensor::cos, Tensor::tanh, Tensor::sigmoid, Tensor::softplus, Tensor::expm1,
      v -> v.pow(3), v -> v.mul(v.sin()), v -> v.div(v.square().add(1))
    };
    for (int k = 0; k < smooth.length; k++) checkSecondOrder("smooth function " + k, smooth[k], rng, x);
    TensorFunction[] positiveDomain = {Tensor::log, Tensor::sqrt, Tensor::log1p, Tensor::reciprocal,
        v -> v.pow(v), v -> Tensor.scalar(2).pow(v)};
    for (int k = 0; k < positiveDomain.length; k++) checkSecondOrder("positive-domain function " + k, positiveDomain[k], rng, positive);
    Tensor b = Tensor.randn(rng, 3);
    checkSecondOrder("broadcast mul", v -> v.mul(b).mul(v.sum(0)), rng, x);
    checkSecondOrder("maximum", v -> v.maximum(v.sin().mul(0.1)).square(), rng, awayFromZero(rng, 0.3, 2, 3));
  }

  @Test
  void softplusHasDerivativeOneHalfAtZero() {
    // softplus'(x) = sigmoid(x): ½ at 0, although the stable form max(x,0) + log1p(e^−|x|) has kinks there
    Tensor g = AD.grad(v -> v.softplus().sum(), Tensor.zeros(3));
    assertArrayEquals(new double[] {0.5, 0.5, 0.5}, g.toDoubleArray(), 1e-15);
    Tensor h = AD.hessian(v -> v.softplus().sum(), Tensor.zeros(2));
    assertArrayEquals(new double[] {0.25, 0, 0, 0.25}, h.toDoubleArray(), 1e-15);
    Tensor big = Tensor.of(-800, 800);
    assertArrayEquals(new double[] {0, 800}, big.softplus().toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, 1}, AD.grad(v -> v.softplus().sum(), big).toDoubleArray(), 0);
  }

  @Test
  void kinkConventions() {
    // |x|' = 0 and relu'(x) = 0 at 0; maximum/minimum split a tie evenly
    Tensor z = Tensor.of(0.0, 0.0);
    assertArrayEquals(new double[] {0, 0}, AD.grad(v -> v.abs().sum(), z).toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, 0}, AD.grad(v -> v.relu().sum(), z).toDoubleArray(), 0);
    Tensor[] g = AD.gradAll(in -> in[0].maximum(in[1]).sum(), Tensor.of(1, 2), Tensor.of(1, 3));
    assertArrayEquals(new double[] {0.5, 0}, g[0].toDoubleArray(), 0);
    assertArrayEquals(new double[] {0.5, 1}, g[1].toDoubleArray(), 0);
    Tensor[] h = AD.gradAll(in -> in[0].minimum(in[1]).sum(), Tensor.of(1, 2), Tensor.of(1, 3));
    assertArrayEquals(new double[] {0.5, 1}, h[0].toDoubleArray(), 0);
    assertArrayEquals(new double[] {0.5, 0}, h[1].toDoubleArray(), 0);
  }

  @Test
  void valuesOfStableFunctionsAtExtremes() {
    Tensor x = Tensor.of(-1000, -1, 0, 1, 1000);
    double[] sig = x.sigmoid().toDoubleArray();
    assertArrayEquals(new double[] {0, 1 / (1 + Math.E), 0.5, 1 / (1 + 1 / Math.E), 1}, sig, 1e-15);
    double[] sp = x.softplus().toDoubleArray();
    assertArrayEquals(new double[] {0, Math.log1p(Math.exp(-1)), Math.log(2), 1 + Math.log1p(Math.exp(-1)), 1000}, sp, 1e-15);
    assertArrayEquals(new double[] {0, 0, 0, 1, 1000}, x.relu().toDoubleArray(), 0);
    assertArrayEquals(new double[] {1000, 1, 0, 1, 1000}, x.abs().toDoubleArray(), 0);
  }
}
