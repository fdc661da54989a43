package io.github.implicitdiff.tensor;

import static io.github.implicitdiff.autodiff.GradientCheck.check;
import static io.github.implicitdiff.autodiff.GradientCheck.checkSecondOrder;
import static io.github.implicitdiff.autodiff.GradientCheck.distinct;
import static io.github.implicitdiff.autodiff.GradientCheck.randomShape;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JVP and VJP of the operations that move values (reshape, transpose, slice, take, …) on random shapes. */
class StructuralGradientTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void reshapeAndTranspose(long seed) {
    Random rng = new Random(seed);
    int[] s = randomShape(rng, 3, 4);
    Tensor x = Tensor.randn(rng, s);
    // a non-linear factor after each move makes the check sensitive to a permuted or misplaced value
    Tensor w = Tensor.randn(rng, s[2], s[0] * s[1]);
    check("reshape", in -> in[0].reshape(-1, s[2]).sin(), rng, x);
    check("reshape then weight", in -> in[0].reshape(s[0] * s[1], s[2]).T().mul(w), rng, x);
    check("flatten", in -> in[0].flatten().mul(Tensor.arange(x.size())), rng, x);
    check("expandDims/squeeze", in -> in[0].expandDims(1).sin().expandDims(-1).squeeze(), rng, x);
    check("T", in -> in[0].T().mul(Tensor.randn(new Random(seed), s[2], s[1], s[0])), rng, x);
    int[] perm = randomPermutation(rng, 3);
    check("transpose " + java.util.Arrays.toString(perm), in -> in[0].transpose(perm).exp(), rng, x);
    check("mT", in -> in[0].mT().matmul(in[0]), rng, x);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void broadcastToAndSumTo(long seed) {
    Random rng = new Random(seed);
    check("broadcastTo (3,1) -> (2,3,4)", in -> in[0].broadcastTo(2, 3, 4).mul(Tensor.arange(4)), rng, Tensor.randn(rng, 3, 1));
    check("broadcastTo () -> (2,3)", in -> in[0].broadcastTo(2, 3).sin(), rng, Tensor.scalar(rng.nextGaussian()));
    check("broadcastTo (4,) -> (3,4)", in -> in[0].broadcastTo(3, 4).cumsum(0), rng, Tensor.randn(rng, 4));
    Tensor x = Tensor.randn(rng, 2, 3, 4);
    check("sumTo (3,1)", in -> in[0].sumTo(3, 1).exp(), rng, x);
    check("sumTo (4,)", in -> in[0].sumTo(4).exp(), rng, x);
    check("sumTo (1,3,4)", in -> in[0].sumTo(1, 3, 4).exp(), rng, x);
    check("sumTo ()", in -> in[0].sumTo().exp(), rng, x);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void slicesAndIndices(long seed) {
    Random rng = new Random(seed);
    int[] s = {2 + rng.nextInt(2), 5 + rng.nextInt(3), 1 + rng.nextInt(3)};
    Tensor x = Tensor.randn(rng, s);
    check("slice axis 1 [1, 4)", in -> in[0].slice(1, 1, 4).exp(), rng, x);
    check("slice with step 2", in -> in[0].slice(1, 0, s[1], 2).exp(), rng, x);
    check("slice with step 3, offset 1", in -> in[0].slice(1, 1, s[1] - 1, 3).sin(), rng, x);
    check("slice negative axis", in -> in[0].slice(-1, 0, 1).exp(), rng, x);
    check("slice overlap", in -> in[0].slice(1, 0, 3).mul(in[0].slice(1, 2, 5)), rng, x);
    check("index", in -> in[0].index(1, 2).exp(), rng, x);
    check("index negative", in -> in[0].index(0, -1).exp(), rng, x);
    check("row", in -> in[0].row(0).exp(), rng, x);
    int[] idx = {2, 0, 2, 2, s[1] - 1};
    check("take with repeated indices", in -> in[0].take(idx, 1).sin(), rng, x);
    check("take axis 0", in -> in[0].take(new int[] {1, 1, 0}, 0).exp(), rng, x);
    int[] idxShape = {s[0], 4, s[2]};
    int[] along = new int[s[0] * 4 * s[2]];
    for (int k = 0; k < along.length; k++) along[k] = rng.nextInt(s[1]);
    along[0] = along[1] = 0; // a repeated index
    check("takeAlongAxis", in -> in[0].takeAlongAxis(along, idxShape, 1).sin(), rng, x);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void concatStackSort(long seed) {
    Random rng = new Random(seed);
    Tensor a = Tensor.randn(rng, 2, 3), b = Tensor.randn(rng, 2, 1), c = Tensor.randn(rng, 2, 4);
    check("concat axis 1", in -> Tensor.concat(1, in[0], in[1], in[2]).sin(), rng, a, b, c);
    check("concat axis -1 repeated input", in -> Tensor.concat(-1, in[0], in[1], in[0]).exp(), rng, a, b);
    check("concat axis 0", in -> Tensor.concat(0, in[0], in[1]).exp(), rng, a, Tensor.randn(rng, 3, 3));
    Tensor d = Tensor.randn(rng, 2, 3);
    check("stack axis 0", in -> Tensor.stack(0, in[0], in[1]).sin(), rng, a, d);
    check("stack axis -1", in -> Tensor.stack(-1, in[0], in[1], in[0]).sin(), rng, a, d);
    check("stack axis 1", in -> Tensor.stack(1, in[0], in[1]).exp(), rng, a, d);
    Tensor x = distinct(rng, 3, 5);
    check("sort axis 1", in -> in[0].sort(1).mul(Tensor.arange(5)), rng, x);
    check("sort axis 0", in -> in[0].sort(0).exp(), rng, x);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void secondOrderOfStructuralRules(long seed) {
    // checks the rules of the transposes (unslice, untake, untakeAlongAxis, concat's slices, …)
    Random rng = new Random(seed);
    Tensor x = Tensor.randn(rng, 3, 5);
    checkSecondOrder("slice step", v -> v.slice(1, 1, 5, 2).sin(), rng, x);
    checkSecondOrder("take", v -> v.take(new int[] {0, 4, 4, 2}, 1).sin(), rng, x);
    int[] along = {0, 0, 4, 1, 2, 2, 3, 3, 0};
    checkSecondOrder("takeAlongAxis", v -> v.takeAlongAxis(along, new int[] {3, 3}, 1).exp(), rng, x);
    checkSecondOrder("concat", v -> Tensor.concat(0, v.sin(), v.square()).exp(), rng, x);
    checkSecondOrder("stack", v -> Tensor.stack(1, v, v.cos()).square(), rng, x);
    checkSecondOrder("transpose", v -> v.T().matmul(v.sin()), rng, x);
    checkSecondOrder("broadcastTo/sumTo", v -> v.sumTo(1, 5).broadcastTo(3, 5).mul(v), rng, x);
    checkSecondOrder("sort", v -> v.sort(1).square().cumsum(1), rng, distinct(rng, 3, 5));
  }

  private static int[] randomPermutation(Random rng, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1), t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
