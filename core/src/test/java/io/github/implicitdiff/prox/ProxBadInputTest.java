package io.github.implicitdiff.prox;

import static io.github.implicitdiff.BadInput.of;

import io.github.implicitdiff.BadInput;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to the proximal operators (the audit's table); η = 0 (the identity) and empty x stay valid. */
class ProxBadInputTest {
  private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;
  private static final Tensor X = Tensor.of(0.3, -1, 2);
  private static final Tensor ONE = Tensor.scalar(1);
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

  static Stream<Arguments> probes() {
    return BadInput.cases(
        of("identity: NaN in x", NonFiniteException.class, () -> Prox.identity(Tensor.of(NAN)), "Prox.identity", "x"),
        of("nonNegativeLasso: ∞ in x", NonFiniteException.class, () -> Prox.nonNegativeLasso(Tensor.of(INF), ONE, 1), "nonNegativeLasso", "x"),
        of("lasso: NaN λ", NonFiniteException.class, () -> Prox.lasso(X, Tensor.scalar(NAN), 1), "Prox.lasso", "λ"),
        of("lasso: ∞ λ", NonFiniteException.class, () -> Prox.lasso(X, Tensor.scalar(INF), 1), "Prox.lasso", "λ"),
        of("lasso: null x", IAE, () -> Prox.lasso(null, ONE, 1), "Prox.lasso", "x is null"),
        of("elasticNet: null λ2", IAE, () -> Prox.elasticNet(X, ONE, null, 1), "elasticNet", "λ2 is null"),
        of("lasso: λ of a non-broadcastable shape", ShapeException.class, () -> Prox.lasso(X, Tensor.ones(2), 1), "Prox.lasso", "(2,)"),
        of("groupLasso: axis out of range", ShapeException.class, () -> Prox.groupLasso(X, ONE, 1, 5), "groupLasso", "axis 5"),
        of("groupLasso: λ of the wrong group shape", ShapeException.class, () -> Prox.groupLasso(Tensor.ones(2, 3), Tensor.ones(3), 1, 1), "groupLasso", "(2, 1)"),
        of("lasso: η = -1", IAE, () -> Prox.lasso(X, ONE, -1), "Prox.lasso", "η", "-1"),
        of("ridge: η NaN", IAE, () -> Prox.ridge(X, ONE, NAN), "Prox.ridge", "η", "NaN"),
        of("lasso: η = ∞", IAE, () -> Prox.lasso(X, ONE, INF), "Prox.lasso", "η"),
        of("lasso: λ = -1", IAE, () -> Prox.lasso(X, Tensor.scalar(-1), 1), "Prox.lasso", "λ", "-1"),
        of("ridge: λ = -0.5 with η = 2 (1 + λη = 0)", IAE, () -> Prox.ridge(X, Tensor.scalar(-0.5), 2), "Prox.ridge", "-0.5"),
        of("elasticNet: λ2 = -1", IAE, () -> Prox.elasticNet(X, ONE, Tensor.scalar(-1), 1), "elasticNet", "λ2"),
        of("lassoDegeneracy: NaN tolerance", IAE, () -> Prox.lassoDegeneracy(X, ONE, 1, NAN), "lassoDegeneracy", "tolerance"),
        of("lassoDegeneracy: ∞ tolerance (reported every coordinate)", IAE, () -> Prox.lassoDegeneracy(X, ONE, 1, INF), "lassoDegeneracy", "tolerance", "Infinity"),
        of("ProximalOperator.lasso: no λ", IAE, () -> ProximalOperator.lasso().apply(X, 1), "ProximalOperator.lasso", "got 0"),
        of("ProximalOperator.lasso: null hyperparameter array (was NullPointerException)", IAE, () -> ProximalOperator.lasso().apply(X, 1, (Tensor[]) null), "ProximalOperator.lasso", "null"),
        of("ProximalOperator.identity: NaN η", IAE, () -> ProximalOperator.identity().apply(X, NAN), "ProximalOperator.identity", "η"),
        of("ProximalOperator.fromProjection: null", IAE, () -> ProximalOperator.fromProjection(null), "fromProjection", "null"),
        of("ProximalOperator.fromProjection: η = -1", IAE, () -> ProximalOperator.fromProjection(Projection.nonNegative()).apply(X, -1), "fromProjection", "-1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void failsClearly(String name, BadInput probe) {
    probe.check();
  }
}
