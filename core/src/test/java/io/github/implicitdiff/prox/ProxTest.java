package io.github.implicitdiff.prox;

import static io.github.implicitdiff.projection.DerivativeChecks.assertClose;
import static io.github.implicitdiff.projection.DerivativeChecks.assertJacobianMatchesFiniteDifferences;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.projection.Projections;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxTest {
  private static final int N = 5;

  /** One case: the penalty g in plain Java (∞ outside its domain) and the prox under test, for fixed λ, η. */
  private record Case(String name, ToDoubleFunction<double[]> g, Function<Tensor, Tensor> prox) {}

  private static double l1(double[] z) {
    double s = 0;
    for (double v : z) s += Math.abs(v);
    return s;
  }

  private static double sum(double[] z) {
    double s = 0;
    for (double v : z) s += v;
    return s;
  }

  private static double squaredNorm(double[] z) {
    double s = 0;
    for (double v : z) s += v * v;
    return s;
  }

  private static double indicatorNonNegative(double[] z) {
    for (double v : z) if (v < 0) return Double.POSITIVE_INFINITY;
    return 0;
  }

  private static Case[] cases(Tensor lambda, Tensor lambda2, double eta) {
    double l = lambda.item(), l2 = lambda2.item();
    return new Case[] {
        new Case("identity", z -> 0.0, Prox::identity),
        new Case("lasso", z -> l * l1(z), x -> Prox.lasso(x, lambda, eta)),
        new Case("nonNegativeLasso", z -> l * sum(z) + indicatorNonNegative(z), x -> Prox.nonNegativeLasso(x, lambda, eta)),
        new Case("elasticNet", z -> l * l1(z) + 0.5 * l2 * squaredNorm(z), x -> Prox.elasticNet(x, lambda, lambda2, eta)),
        new Case("groupLasso", z -> l * Math.sqrt(squaredNorm(z)), x -> Prox.groupLasso(x, lambda, eta, 0)),
        new Case("ridge", z -> 0.5 * l * squaredNorm(z), x -> Prox.ridge(x, lambda, eta)),
        new Case("nonNegativeRidge", z -> 0.5 * l * squaredNorm(z) + indicatorNonNegative(z), x -> Prox.nonNegativeRidge(x, lambda, eta)),
    };
  }

  /** h(z) = ½‖z − x‖² + η g(z). */
  private static double objective(Case c, double[] z, double[] x, double eta) {
    double gz = c.g().applyAsDouble(z);
    if (Double.isInfinite(gz)) return gz;
    double s = 0;
    for (int i = 0; i < z.length; i++) s += (z[i] - x[i]) * (z[i] - x[i]);
    return 0.5 * s + eta * gz;
  }

  private static double objective(Case c, Tensor z, Tensor x, double eta) {
    return objective(c, z.toDoubleArray(), x.toDoubleArray(), eta);
  }

  /** Pattern search on h over ± coordinate and ± random directions, from 0, step halving to 1e-11. */
  private static Tensor bruteForce(Case c, Tensor xTensor, double eta, Random rng) {
    double[] x = xTensor.toDoubleArray();
    double[][] directions = new double[2 * N + 20][];
    for (int i = 0; i < N; i++) {
      directions[2 * i] = new double[N];
      directions[2 * i][i] = 1;
      directions[2 * i + 1] = new double[N];
      directions[2 * i + 1][i] = -1;
    }
    for (int k = 2 * N; k < directions.length; k++) {
      double[] d = Tensor.randn(rng, N).toDoubleArray();
      double norm = Math.sqrt(squaredNorm(d));
      for (int i = 0; i < N; i++) d[i] /= norm;
      directions[k] = d;
    }
    double[] z = new double[N], candidate = new double[N];
    double hz = objective(c, z, x, eta);
    for (double step = 1; step > 1e-11; ) {
      boolean improved = false;
      for (double[] d : directions) {
        for (int i = 0; i < N; i++) candidate[i] = z[i] + step * d[i];
        double hc = objective(c, candidate, x, eta);
        if (hc < hz) {
          System.arraycopy(candidate, 0, z, 0, N);
          hz = hc;
          improved = true;
        }
      }
      if (!improved) step /= 2;
    }
    return Tensor.of(z);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void proxMinimizesItsDefiningObjective(long seed) {
    Random rng = new Random(seed);
    Tensor lambda = Tensor.scalar(0.2 + rng.nextDouble()), lambda2 = Tensor.scalar(0.2 + rng.nextDouble());
    double eta = 0.3 + rng.nextDouble();
    for (Case c : cases(lambda, lambda2, eta)) {
      Tensor x = Tensor.randn(rng, N).mul(1.5);
      Tensor z = c.prox().apply(x);
      double hz = objective(c, z, x, eta);
      assertTrue(Double.isFinite(hz), c.name() + ": prox outside the domain of g");
      for (int k = 0; k < 200; k++) {
        Tensor perturbed = z.add(Tensor.randn(rng, N).mul(Math.pow(10, -1 - 4 * rng.nextDouble())));
        assertTrue(hz <= objective(c, perturbed, x, eta) + 1e-12, c.name() + " seed " + seed + ": a perturbation is better");
      }
      Tensor brute = bruteForce(c, x, eta, rng);
      assertClose(brute, z, 1e-6, c.name() + " seed " + seed + " vs pattern search");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void firstOrderConditions(long seed) {
    Random rng = new Random(seed);
    Tensor lambda = Tensor.scalar(0.5 + rng.nextDouble());
    double eta = 0.5 + rng.nextDouble();
    double t = eta * lambda.item();
    // lasso: x − z ∈ ηλ ∂‖z‖₁, i.e. x − z = t sign(z) where z ≠ 0 and |x − z| ≤ t where z = 0
    Tensor x = Tensor.randn(rng, N).mul(2);
    double[] z = Prox.lasso(x, lambda, eta).toDoubleArray(), xv = x.toDoubleArray();
    for (int i = 0; i < N; i++) {
      if (z[i] != 0) assertEquals(t * Math.signum(z[i]), xv[i] - z[i], 1e-12);
      else assertTrue(Math.abs(xv[i]) <= t + 1e-12);
    }
    // group lasso on rows: z_g ≠ 0 ⇒ x_g − z_g = t z_g/‖z_g‖; z_g = 0 ⇒ ‖x_g‖ ≤ t
    Tensor X = Tensor.randn(rng, 4, 3);
    Tensor Z = Prox.groupLasso(X, lambda, eta, 1);
    for (int g = 0; g < 4; g++) {
      Tensor zg = Z.row(g), xg = X.row(g);
      if (zg.norm2() > 0) assertClose(zg.mul(t / zg.norm2()), xg.sub(zg), 1e-12, "group " + g);
      else assertTrue(xg.norm2() <= t + 1e-12);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void derivativesInXAndHyperparameters(long seed) {
    Random rng = new Random(seed);
    Tensor lambda = Tensor.scalar(0.3 + rng.nextDouble()), lambda2 = Tensor.scalar(0.3 + rng.nextDouble());
    double eta = 0.5 + rng.nextDouble();
    Tensor x = Tensor.randn(rng, N).mul(1.5);
    assertFalse(Prox.lassoDegeneracy(x, lambda, eta, 1e-4).isDegenerate(), "seed " + seed + " too close to a kink");
    assertJacobianMatchesFiniteDifferences(v -> Prox.lasso(v, lambda, eta), x, 1e-7, "lasso ∂x");
    assertJacobianMatchesFiniteDifferences(l -> Prox.lasso(x, l, eta), lambda, 1e-7, "lasso ∂λ");
    assertJacobianMatchesFiniteDifferences(v -> Prox.nonNegativeLasso(v, lambda, eta), x, 1e-7, "nn lasso ∂x");
    assertJacobianMatchesFiniteDifferences(l -> Prox.nonNegativeLasso(x, l, eta), lambda, 1e-7, "nn lasso ∂λ");
    assertJacobianMatchesFiniteDifferences(v -> Prox.elasticNet(v, lambda, lambda2, eta), x, 1e-7, "enet ∂x");
    assertJacobianMatchesFiniteDifferences(l -> Prox.elasticNet(x, l, lambda2, eta), lambda, 1e-7, "enet ∂λ1");
    assertJacobianMatchesFiniteDifferences(l -> Prox.elasticNet(x, lambda, l, eta), lambda2, 1e-7, "enet ∂λ2");
    assertJacobianMatchesFiniteDifferences(v -> Prox.ridge(v, lambda, eta), x, 1e-7, "ridge ∂x");
    assertJacobianMatchesFiniteDifferences(l -> Prox.ridge(x, l, eta), lambda, 1e-7, "ridge ∂λ");
    assertJacobianMatchesFiniteDifferences(v -> Prox.nonNegativeRidge(v, lambda, eta), x, 1e-7, "nn ridge ∂x");
    assertJacobianMatchesFiniteDifferences(l -> Prox.nonNegativeRidge(x, l, eta), lambda, 1e-7, "nn ridge ∂λ");
    Tensor X = Tensor.randn(rng, 4, 3).mul(1.5);
    assertJacobianMatchesFiniteDifferences(v -> Prox.groupLasso(v, lambda, eta, 1), X, 1e-7, "group ∂x");
    assertJacobianMatchesFiniteDifferences(l -> Prox.groupLasso(X, l, eta, 1), lambda, 1e-7, "group ∂λ");
    Tensor perGroup = Tensor.uniform(rng, 0.3, 1.3, 4, 1);
    assertJacobianMatchesFiniteDifferences(l -> Prox.groupLasso(X, l, eta, 1), perGroup, 1e-7, "group ∂λ per group");
  }

  @Test
  void closedFormHyperparameterDerivatives() {
    Tensor x = Tensor.of(3, -0.5, -2);
    double eta = 0.5;
    // lasso: ∂z/∂λ = −η sign(x) where |x| > ηλ
    assertClose(Tensor.of(-0.5, 0, 0.5), AD.jacobian(l -> Prox.lasso(x, l, eta), Tensor.scalar(1)), 1e-15, "lasso ∂λ");
    // ridge: ∂z/∂λ = −η x/(1 + ηλ)²
    assertClose(x.mul(-eta / 2.25), AD.jacobian(l -> Prox.ridge(x, l, eta), Tensor.scalar(1)), 1e-15, "ridge ∂λ");
    // per-coordinate λ: the Jacobian in λ is diagonal
    Tensor J = AD.jacobian(l -> Prox.lasso(x, l, eta), Tensor.of(1, 1, 1));
    assertClose(Tensor.of(new double[][] {{-0.5, 0, 0}, {0, 0, 0}, {0, 0, 0.5}}), J, 1e-15, "per-coordinate λ");
  }

  @Test
  void knownValues() {
    assertClose(Tensor.of(2, 0, -1), Prox.lasso(Tensor.of(3, -0.5, -2), Tensor.scalar(1), 1.0), 0, "lasso");
    assertClose(Tensor.of(2, 0), Prox.nonNegativeLasso(Tensor.of(3, -0.5), Tensor.scalar(1), 1.0), 0, "nn lasso");
    assertClose(Tensor.of(1, 0), Prox.elasticNet(Tensor.of(3, -0.5), Tensor.scalar(1), Tensor.scalar(1), 1.0), 0, "enet");
    assertClose(Tensor.of(new double[][] {{2.4, 3.2}, {0, 0}}),
        Prox.groupLasso(Tensor.of(new double[][] {{3, 4}, {0.3, 0.4}}), Tensor.scalar(1), 1.0, 1), 1e-15, "group");
    assertClose(Tensor.of(1, -2), Prox.ridge(Tensor.of(2, -4), Tensor.scalar(1), 1.0), 0, "ridge");
    assertClose(Tensor.of(1, 0), Prox.nonNegativeRidge(Tensor.of(2, -4), Tensor.scalar(1), 1.0), 0, "nn ridge");
    assertClose(Tensor.of(3, -0.5), Prox.lasso(Tensor.of(3, -0.5), Tensor.scalar(1), 0.0), 0, "η = 0 is the identity");
  }

  @Test
  void zeroBlockHasFiniteDerivatives() {
    // a zero group (and an exactly zero input) must not produce 0/0 in either mode
    Tensor X = Tensor.of(new double[][] {{0, 0}, {3, 4}});
    Tensor Jf = AD.jacobian(v -> Prox.groupLasso(v, Tensor.scalar(1), 1.0, 1), X, AD.Mode.FORWARD);
    Tensor Jr = AD.jacobian(v -> Prox.groupLasso(v, Tensor.scalar(1), 1.0, 1), X, AD.Mode.REVERSE);
    assertTrue(Jf.allFinite() && Jr.allFinite());
    assertClose(Jf, Jr, 1e-15, "modes agree");
    assertEquals(0, Jf.reshape(4, 4).row(0).maxAbs(), 0);
  }

  @Test
  void degeneracyAndItsConvention() {
    Tensor x = Tensor.of(1, 0.3, -1);
    assertEquals(2, Prox.lassoDegeneracy(x, Tensor.scalar(1), 1.0, 1e-12).ties());
    // at |x_i| = ηλ the coordinate counts as thresholded: derivative 0
    assertClose(Tensor.zeros(3), AD.jvp(v -> Prox.lasso(v, Tensor.scalar(1), 1.0), x, Tensor.ones(3)).outTangent(), 0, "kink");
  }

  @Test
  void operatorsTakeHyperparametersExplicitly() {
    Random rng = new Random(3);
    Tensor x = Tensor.randn(rng, 4), lambda = Tensor.scalar(0.4);
    assertClose(Prox.lasso(x, lambda, 0.7), ProximalOperator.lasso().apply(x, 0.7, lambda), 0, "lasso");
    assertClose(Prox.elasticNet(x, lambda, lambda, 0.7), ProximalOperator.elasticNet().apply(x, 0.7, lambda, lambda), 0, "enet");
    assertClose(Prox.groupLasso(x, lambda, 0.7, 0), ProximalOperator.groupLasso(0).apply(x, 0.7, lambda), 0, "group");
    assertClose(Prox.ridge(x, lambda, 0.7), ProximalOperator.ridge().apply(x, 0.7, lambda), 0, "ridge");
    assertClose(Prox.nonNegativeRidge(x, lambda, 0.7), ProximalOperator.nonNegativeRidge().apply(x, 0.7, lambda), 0, "nn ridge");
    assertClose(Prox.nonNegativeLasso(x, lambda, 0.7), ProximalOperator.nonNegativeLasso().apply(x, 0.7, lambda), 0, "nn lasso");
    assertClose(x, ProximalOperator.identity().apply(x, 0.7), 0, "identity");
    // the prox of an indicator is the projection, for any η, and differentiates in the set's parameter
    ProximalOperator ball = ProximalOperator.fromProjection(Projection.l2Ball());
    Tensor radius = Tensor.scalar(0.5);
    assertClose(Projections.l2Ball(x, radius), ball.apply(x, 3.0, radius), 0, "fromProjection");
    assertJacobianMatchesFiniteDifferences(r -> ball.apply(x, 3.0, r), radius, 1e-7, "fromProjection ∂r");
    // the gradient in λ through the operator interface
    Tensor g = AD.grad(l -> ProximalOperator.lasso().apply(x, 0.7, l).sum(), lambda);
    double expected = 0;
    for (double v : x.toDoubleArray()) if (Math.abs(v) > 0.28) expected -= 0.7 * Math.signum(v);
    assertEquals(expected, g.item(), 1e-14);
  }
}
