package io.github.implicitdiff.optimality;

import static io.github.implicitdiff.BadInput.of;

import io.github.implicitdiff.BadInput;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to the optimality conditions (the audit's table); nulls used to surface later, inside a solver. */
class OptimalityConditionsBadInputTest {
  private static final double NAN = Double.NaN;
  private static final Objective F = (x, th) -> x.sub(th[0]).square().sum();
  private static final Constraint H = (x, th) -> x.sum().reshape(1);
  private static final ProximalOperator ID = ProximalOperator.identity();
  private static final Tensor X = Tensor.of(1, 2), THETA = Tensor.of(0.5, 0.5);
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

  static Stream<Arguments> probes() {
    return BadInput.cases(
        of("stationarity: null f", IAE, () -> OptimalityConditions.stationarity(null), "stationarity", "objective f"),
        of("kkt: null f", IAE, () -> OptimalityConditions.kkt(null, H, H), "kkt", "objective f"),
        of("kkt: null G", IAE, () -> OptimalityConditions.kkt(F, H, null), "kkt", "inequality constraint G"),
        of("kktEquality: null H", IAE, () -> OptimalityConditions.kktEquality(F, null), "kktEquality", "equality constraint H"),
        of("kktInequality: null G", IAE, () -> OptimalityConditions.kktInequality(F, null), "kktInequality", "G"),
        of("proximalGradientFixedPoint: null prox", IAE, () -> OptimalityConditions.proximalGradientFixedPoint(F, null, 1), "proximalGradientFixedPoint", "prox"),
        of("proximalGradientFixedPoint: null f", IAE, () -> OptimalityConditions.proximalGradientFixedPoint(null, ID, 1), "proximalGradientFixedPoint", "objective f"),
        of("projectedGradientFixedPoint: null projection", IAE, () -> OptimalityConditions.projectedGradientFixedPoint(F, null, 1), "projectedGradientFixedPoint", "projection"),
        of("mirrorDescentFixedPoint: null f", IAE, () -> OptimalityConditions.mirrorDescentFixedPoint(null, 1), "mirrorDescentFixedPoint", "objective f"),
        of("blockProximalGradientFixedPoint: null steps", IAE, () -> OptimalityConditions.blockProximalGradientFixedPoint(F, ID, null), "blockProximalGradientFixedPoint", "step sizes"),
        of("blockProximalGradientFixedPoint: no steps", IAE, () -> OptimalityConditions.blockProximalGradientFixedPoint(F, ID, new double[0]), "blockProximalGradientFixedPoint", "got none"),
        of("blockProximalGradientFixedPoint: null prox", IAE, () -> OptimalityConditions.blockProximalGradientFixedPoint(F, null, new double[] {1}), "blockProximalGradientFixedPoint", "prox"),
        of("newtonFixedPoint: null f", IAE, () -> OptimalityConditions.newtonFixedPoint(null), "newtonFixedPoint", "objective f"),
        of("proximalGradientFixedPoint: η = 0", IAE, () -> OptimalityConditions.proximalGradientFixedPoint(F, ID, 0), "proximalGradientFixedPoint", "eta"),
        of("projectedGradientFixedPoint: NaN η", IAE, () -> OptimalityConditions.projectedGradientFixedPoint(F, Projection.nonNegative(), NAN), "projectedGradientFixedPoint", "NaN"),
        of("mirrorDescentFixedPoint: η = -1", IAE, () -> OptimalityConditions.mirrorDescentFixedPoint(F, -1), "mirrorDescentFixedPoint", "-1"),
        of("blockProximalGradientFixedPoint: NaN among the steps", IAE, () -> OptimalityConditions.blockProximalGradientFixedPoint(F, ID, new double[] {1, NAN}), "blockProximalGradientFixedPoint", "NaN"),
        of("mirrorDescentFixedPoint: NaN in x", IAE, () -> OptimalityConditions.mirrorDescentFixedPoint(F, 1).apply(Tensor.of(NAN, 0.5), THETA), "mirrorDescentFixedPoint", "NaN"),
        of("stationarity: NaN in x", NonFiniteException.class, () -> OptimalityConditions.stationarity(F).apply(Tensor.of(NAN, 1), THETA), "grad", "NaN"),
        of("blockProximalGradientFixedPoint: x without one row per step", ShapeException.class, () -> OptimalityConditions.blockProximalGradientFixedPoint(F, ID, new double[] {1, 1, 1}).apply(X, THETA), "blockProximalGradientFixedPoint", "3 blocks"),
        of("kktEquality: multiplier of the wrong shape", ShapeException.class, () -> OptimalityConditions.kktEquality(F, H).apply(new Tensor[] {X, Tensor.ones(2)}, THETA), "kktEquality", "ν"),
        of("newtonFixedPoint: singular Hessian", SingularMatrixException.class, () -> OptimalityConditions.newtonFixedPoint((z, t) -> z.sum()).apply(X, THETA), "singular"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void failsClearly(String name, BadInput probe) {
    probe.check();
  }
}
