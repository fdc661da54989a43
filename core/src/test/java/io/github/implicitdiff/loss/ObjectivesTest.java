package io.github.implicitdiff.loss;

import static io.github.implicitdiff.loss.FiniteDifferences.assertClose;
import static io.github.implicitdiff.loss.FiniteDifferences.assertGradient;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectivesTest {
  static final int N = 12, D = 5, K = 4;

  // ---------------------------------------------------------------- least squares and ridge

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void ridgeValueGradientAndHessianMatchClosedForms(long seed) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, N, D), y = Tensor.randn(rng, N), w = Tensor.randn(rng, D);
    double lam = 0.1 + rng.nextDouble();
    Tensor lambda = Tensor.scalar(lam);
    double[][] xv = X.toArray2d();
    double[] yv = y.toDoubleArray(), wv = w.toDoubleArray();
    double sse = 0, ww = 0;
    for (int i = 0; i < N; i++) {
      double r = -yv[i];
      for (int j = 0; j < D; j++) r += xv[i][j] * wv[j];
      sse += r * r;
    }
    for (double v : wv) ww += v * v;
    assertEquals(sse / (2 * N), Objectives.leastSquares(w, X, y).item(), 1e-13);
    assertEquals(sse / (2 * N) + lam / 2 * ww, Objectives.ridge(w, lambda, X, y).item(), 1e-13);

    Tensor expectedGrad = X.T().matmul(X.matmul(w).sub(y)).div(N).add(w.mul(lam));
    assertClose(expectedGrad, AD.grad(v -> Objectives.ridge(v, lambda, X, y), w), 1e-13, "Xᵀ(Xw − y)/n + λw");
    assertGradient(v -> Objectives.ridge(v, lambda, X, y), w, 1e-7, "ridge FD");

    Tensor expectedHessian = X.T().matmul(X).div(N).add(Tensor.eye(D).mul(lam));
    assertClose(expectedHessian, AD.hessian(v -> Objectives.ridge(v, lambda, X, y), w), 1e-13, "XᵀX/n + λI");

    assertEquals(ww / 2, AD.grad(l -> Objectives.ridge(w, l, X, y), lambda).item(), 1e-13, "∂f/∂λ = ½‖w‖²");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void ridgeWithPerFeatureLambda(long seed) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, N, D), y = Tensor.randn(rng, N), w = Tensor.randn(rng, D);
    Tensor lambda = Tensor.rand(rng, D);
    Tensor expectedGrad = X.T().matmul(X.matmul(w).sub(y)).div(N).add(w.mul(lambda));
    assertClose(expectedGrad, AD.grad(v -> Objectives.ridge(v, lambda, X, y), w), 1e-13, "Xᵀ(Xw − y)/n + λ ⊙ w");
    Tensor expectedHessian = X.T().matmul(X).div(N).add(Tensor.eye(D).mul(lambda));
    assertClose(expectedHessian, AD.hessian(v -> Objectives.ridge(v, lambda, X, y), w), 1e-13, "XᵀX/n + diag(λ)");
    assertClose(w.square().mul(0.5), AD.grad(l -> Objectives.ridge(w, l, X, y), lambda), 1e-13, "∂f/∂λ_j = ½ w_j²");
    // matrix weights: λ_j penalizes row j of W
    Tensor W = Tensor.randn(rng, D, 3), Y = Tensor.randn(rng, N, 3);
    Tensor expectedMatrixGrad = X.T().matmul(X.matmul(W).sub(Y)).div(N).add(W.mul(lambda.reshape(D, 1)));
    assertClose(expectedMatrixGrad, AD.grad(v -> Objectives.ridge(v, lambda, X, Y), W), 1e-13, "matrix ridge");
  }

  @Test
  void ridgeRejectsNegativeLambda() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Objectives.ridge(Tensor.zeros(2), Tensor.scalar(-1), Tensor.zeros(3, 2), Tensor.zeros(3)));
    assertTrue(e.getMessage().contains("lambda"), e.getMessage());
  }

  @Test
  void ridgeRejectsTargetsOfWrongLength() {
    var e = assertThrows(ShapeException.class,
        () -> Objectives.ridge(Tensor.zeros(2), Tensor.scalar(1), Tensor.zeros(3, 2), Tensor.zeros(4)));
    assertTrue(e.getMessage().contains("(4,)") && e.getMessage().contains("(3,)"), e.getMessage());
  }

  @Test
  void ridgeRejectsWeightsOfWrongLength() {
    assertThrows(ShapeException.class,
        () -> Objectives.ridge(Tensor.zeros(3), Tensor.scalar(1), Tensor.zeros(3, 2), Tensor.zeros(3)));
  }

  @Test
  void l2PenaltyRejectsLambdaOfWrongLength() {
    assertThrows(ShapeException.class, () -> Objectives.l2Penalty(Tensor.zeros(3), Tensor.ones(2)));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void huberRegressionGradient(long seed) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, N, D), y = Tensor.randn(rng, N).mul(3), w = Tensor.randn(rng, D);
    Tensor delta = Tensor.scalar(1.0);
    Tensor r = X.matmul(w).sub(y);
    Tensor psi = Tensor.where(r.abs().le(1.0), r, r.sign());
    assertClose(X.T().matmul(psi).div(N), AD.grad(v -> Objectives.huberRegression(v, delta, X, y), w), 1e-13,
        "Xᵀψ(r)/n");
  }

  // ---------------------------------------------------------------- binary logistic

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void binaryLogisticGradientIsXTransposeResidual(long seed) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, N, D), w = Tensor.randn(rng, D), y = Tensor.rand(rng, N).gt(0.5);
    Tensor b = Tensor.scalar(rng.nextGaussian()), lambda = Tensor.scalar(0.3);
    Tensor expected = X.T().matmul(X.matmul(w).sigmoid().sub(y)).div(N);
    assertClose(expected, AD.grad(v -> Objectives.binaryLogistic(v, X, y), w), 1e-13, "Xᵀ(σ(Xw) − y)/n");
    assertClose(expected.add(w.mul(0.3)), AD.grad(v -> Objectives.l2BinaryLogistic(v, lambda, X, y), w), 1e-13,
        "with L2");
    Tensor[] g = AD.gradAll(in -> Objectives.l2BinaryLogisticWithIntercept(in[0], in[1], lambda, X, y), w, b);
    Tensor residual = X.matmul(w).add(b).sigmoid().sub(y);
    assertClose(X.T().matmul(residual).div(N).add(w.mul(0.3)), g[0], 1e-13, "weights, with intercept");
    assertEquals(residual.mean().item(), g[1].item(), 1e-14, "∂f/∂b = mean(σ − y), unpenalized");
    assertGradient(v -> Objectives.binaryLogisticWithIntercept(w, v, X, y), b, 1e-7, "intercept FD");
    // value against the scalar reference
    double[] s = X.matmul(w).toDoubleArray(), yv = y.toDoubleArray();
    double f = 0;
    for (int i = 0; i < N; i++) f += Math.log1p(Math.exp(s[i])) - yv[i] * s[i];
    assertEquals(f / N, Objectives.binaryLogistic(w, X, y).item(), 1e-13);
  }

  @Test
  void binaryLogisticIsFiniteForSeparableDataWithHugeWeights() {
    Tensor X = Tensor.of(new double[][] {{1}, {-1}});
    Tensor y = Tensor.of(1, 0), w = Tensor.of(1000);
    assertEquals(0, Objectives.binaryLogistic(w, X, y).item(), 0);
    assertEquals(1000, Objectives.binaryLogistic(w.neg(), X, y).item(), 1e-12);
    assertEquals(-1, AD.grad(v -> Objectives.binaryLogistic(v, X, y), w.neg()).item(), 1e-15);
  }

  @Test
  void binaryLogisticRejectsLabelsOfWrongLength() {
    var e = assertThrows(ShapeException.class,
        () -> Objectives.binaryLogistic(Tensor.zeros(2), Tensor.zeros(3, 2), Tensor.of(0, 1)));
    assertTrue(e.getMessage().contains("length 3"), e.getMessage());
  }

  @Test
  void binaryLogisticRejectsLabelOutOfRange() {
    assertThrows(IllegalArgumentException.class,
        () -> Objectives.binaryLogistic(Tensor.zeros(2), Tensor.zeros(3, 2), Tensor.of(0, 1, 2)));
  }

  // ---------------------------------------------------------------- multinomial logistic

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void multiclassLogisticGradientIsXTransposeSoftmaxResidual(long seed) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, N, D), W = Tensor.randn(rng, D, K), b = Tensor.randn(rng, K);
    int[] labels = LossesTest.randomLabels(rng, N, K);
    Tensor Y = Tensor.oneHot(LossesTest.labelsTensor(labels), K);
    Tensor expected = X.T().matmul(X.matmul(W).softmax(1).sub(Y)).div(N);
    assertClose(expected, AD.grad(v -> Objectives.multiclassLogistic(v, X, labels), W), 1e-13,
        "Xᵀ(softmax(XW) − Y)/n");
    assertClose(expected, AD.grad(v -> Objectives.multiclassLogistic(v, X, Y), W), 1e-13, "one-hot labels");
    assertGradient(v -> Objectives.multiclassLogistic(v, X, labels), W, 1e-7, "multinomial FD");

    Tensor lambda = Tensor.scalar(0.2);
    Tensor[] g = AD.gradAll(in -> Objectives.l2MulticlassLogisticWithIntercept(in[0], in[1], lambda, X, labels), W, b);
    Tensor residual = X.matmul(W).add(b).softmax(1).sub(Y);
    assertClose(X.T().matmul(residual).div(N).add(W.mul(0.2)), g[0], 1e-13, "W with intercept and L2");
    assertClose(residual.mean(0), g[1], 1e-13, "∂f/∂b = mean of softmax − Y, unpenalized");
    assertGradient(v -> Objectives.multiclassLogisticWithIntercept(W, v, X, labels), b, 1e-7, "intercept FD");
    assertEquals(Objectives.multiclassLogistic(W, X, labels).item() + 0.1 * W.square().sum().item(),
        Objectives.l2MulticlassLogistic(W, lambda, X, labels).item(), 1e-13);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void multiclassLogisticHessianVectorProductMatchesDifferencesOfGradients(long seed) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, N, D), W = Tensor.randn(rng, D, K), V = Tensor.randn(rng, D, K);
    int[] labels = LossesTest.randomLabels(rng, N, K);
    Tensor lambda = Tensor.scalar(0.1);
    double h = 1e-5;
    Tensor plus = AD.grad(v -> Objectives.l2MulticlassLogistic(v, lambda, X, labels), W.add(V.mul(h)));
    Tensor minus = AD.grad(v -> Objectives.l2MulticlassLogistic(v, lambda, X, labels), W.sub(V.mul(h)));
    Tensor hv = AD.hvp(v -> Objectives.l2MulticlassLogistic(v, lambda, X, labels), W, V);
    assertClose(plus.sub(minus).div(2 * h), hv, 1e-7, "∇²f · V");
    // closed form: Xᵀ[(P ⊙ XV) − P ⊙ rowsum(P ⊙ XV)]/n + λV with P = softmax(XW)
    Tensor P = X.matmul(W).softmax(1), S = X.matmul(V);
    Tensor inner = P.mul(S).sub(P.mul(P.mul(S).sum(new int[] {1}, true)));
    assertClose(X.T().matmul(inner).div(N).add(V.mul(0.1)), hv, 1e-13, "softmax covariance form");
  }

  @Test
  void multiclassLogisticRejectsLabelsNotMatchingRows() {
    var e = assertThrows(ShapeException.class,
        () -> Objectives.multiclassLogistic(Tensor.zeros(2, 3), Tensor.zeros(4, 2), new int[] {0, 1}));
    assertTrue(e.getMessage().contains("2 labels for 4 samples"), e.getMessage());
  }

  @Test
  void multiclassLogisticRejectsLabelOutOfRange() {
    assertThrows(IllegalArgumentException.class,
        () -> Objectives.multiclassLogistic(Tensor.zeros(2, 3), Tensor.zeros(2, 2), new int[] {0, 5}));
  }

  @Test
  void multiclassLogisticRejectsMismatchedWeights() {
    assertThrows(ShapeException.class,
        () -> Objectives.multiclassLogistic(Tensor.zeros(3, 3), Tensor.zeros(2, 2), new int[] {0, 1}));
  }

  @Test
  void multiclassLogisticRejectsInterceptOfWrongLength() {
    assertThrows(ShapeException.class, () -> Objectives.multiclassLogisticWithIntercept(Tensor.zeros(2, 3),
        Tensor.zeros(2), Tensor.zeros(2, 2), new int[] {0, 1}));
  }
}
