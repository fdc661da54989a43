package io.github.implicitdiff.loss;

import static io.github.implicitdiff.BadInput.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.BadInput;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to the losses, objectives and the multiclass SVM (the audit's table). The per-element losses keep
 * the NumPy convention (NaN scores give NaN losses, tested below); the objectives name NaN or ∞ in their data.
 */
class LossesBadInputTest {
  private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;
  private static final Tensor X = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
  private static final Tensor X_NAN = Tensor.of(new double[][] {{1, 2}, {NAN, 4}, {5, 6}});
  private static final Tensor W = Tensor.of(0.1, 0.2);
  private static final Tensor Y3 = Tensor.of(1, 0, 1);
  private static final Tensor S = Tensor.of(new double[][] {{1, 2}, {3, 4}});
  private static final Tensor S_NAN = Tensor.of(new double[][] {{1, 2}, {3, NAN}});
  private static final Tensor ONE_HOT = Tensor.of(new double[][] {{1, 0}, {0, 1}});
  private static final int[] LABELS = {0, 1};
  private static final Tensor ONE = Tensor.scalar(1);
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

  static Stream<Arguments> probes() {
    Tensor W2 = Tensor.ones(2, 2), beta = Tensor.zeros(2, 2);
    return BadInput.cases(
        // NaN / ∞ in the data of an objective (returned a NaN objective and a NaN gradient)
        of("leastSquares: NaN in X", NonFiniteException.class, () -> Objectives.leastSquares(W, X_NAN, Y3), "leastSquares", "X must be finite"),
        of("leastSquares: ∞ in y", NonFiniteException.class, () -> Objectives.leastSquares(W, X, Tensor.of(INF, 2, 3)), "leastSquares", "y must be finite"),
        of("leastSquares: NaN in w", NonFiniteException.class, () -> Objectives.leastSquares(Tensor.of(NAN, 1), X, Y3), "leastSquares", "w must be finite"),
        of("ridge: NaN in X", NonFiniteException.class, () -> Objectives.ridge(W, ONE, X_NAN, Y3), "leastSquares", "X"),
        of("huberRegression: ∞ in X", NonFiniteException.class, () -> Objectives.huberRegression(W, ONE, Tensor.of(new double[][] {{INF, 2}, {3, 4}, {5, 6}}), Y3), "huberRegression", "X"),
        of("binaryLogistic: NaN in X", NonFiniteException.class, () -> Objectives.binaryLogistic(W, X_NAN, Y3), "binaryLogistic", "X"),
        of("binaryLogisticWithIntercept: NaN b", NonFiniteException.class, () -> Objectives.binaryLogisticWithIntercept(W, Tensor.scalar(NAN), X, Y3), "binaryLogisticWithIntercept", "intercept b"),
        of("l2BinaryLogistic: NaN in X", NonFiniteException.class, () -> Objectives.l2BinaryLogistic(W, ONE, X_NAN, Y3), "binaryLogistic", "X"),
        of("multiclassLogistic(labels): NaN in X", NonFiniteException.class, () -> Objectives.multiclassLogistic(W2, S_NAN, LABELS), "multiclassLogistic", "X"),
        of("multiclassLogistic(Y): NaN in X", NonFiniteException.class, () -> Objectives.multiclassLogistic(W2, S_NAN, ONE_HOT), "multiclassLogistic", "X"),
        of("multiclassLogisticWithIntercept: NaN b", NonFiniteException.class, () -> Objectives.multiclassLogisticWithIntercept(W2, Tensor.of(NAN, 1), S, LABELS), "multiclassLogisticWithIntercept", "intercept b"),
        of("l2MulticlassLogisticWithIntercept: NaN in X", NonFiniteException.class, () -> Objectives.l2MulticlassLogisticWithIntercept(W2, Tensor.zeros(2), ONE, S_NAN, LABELS), "multiclassLogisticWithIntercept", "X"),
        of("MulticlassSvm.dual: NaN in X", NonFiniteException.class, () -> MulticlassSvm.dual(beta, ONE, S_NAN, ONE_HOT), "MulticlassSvm.dual", "X"),
        of("MulticlassSvm.dual: NaN in beta", NonFiniteException.class, () -> MulticlassSvm.dual(Tensor.of(new double[][] {{NAN, 0}, {0, 0}}), ONE, S, ONE_HOT), "MulticlassSvm.dual", "beta"),
        of("MulticlassSvm.primalWeights: NaN in X", NonFiniteException.class, () -> MulticlassSvm.primalWeights(beta, ONE, S_NAN, ONE_HOT), "primalWeights", "X"),
        of("MulticlassSvm.primal: NaN in X", NonFiniteException.class, () -> MulticlassSvm.primal(W2, ONE, S_NAN, LABELS), "MulticlassSvm.primal", "X"),
        of("MulticlassSvm.dualComposite: NaN in X", NonFiniteException.class, () -> MulticlassSvm.dualComposite(S_NAN, ONE_HOT), "matrix A"),
        of("multiclassSparsemax: ∞ score", NonFiniteException.class, () -> Losses.multiclassSparsemax(LABELS, Tensor.of(new double[][] {{INF, 2}, {3, 4}})), "multiclassSparsemax", "scores"),
        // labels
        of("binaryLogistic: NaN label", IAE, () -> Losses.binaryLogistic(Tensor.of(NAN, 0, 1), Y3), "binaryLogistic", "NaN"),
        of("multiclassLogistic: NaN in Y", IAE, () -> Losses.multiclassLogistic(Tensor.of(new double[][] {{NAN, 1}, {0, 1}}), S), "multiclassLogistic", "NaN"),
        of("multiclassLogistic: label out of range", IAE, () -> Losses.multiclassLogistic(new int[] {0, 5}, S), "multiclassLogistic", "label 5"),
        // nulls (were NullPointerException)
        of("squaredError: null labels", IAE, () -> Losses.squaredError(null, Y3), "squaredError", "labels is null"),
        of("huber: null residual", IAE, () -> Losses.huber(null, 1), "huber", "residual is null"),
        of("multiclassLogistic: null labels", IAE, () -> Losses.multiclassLogistic((int[]) null, S), "multiclassLogistic", "labels is null"),
        of("multiclassLogistic: null Y", IAE, () -> Losses.multiclassLogistic((Tensor) null, S), "multiclassLogistic", "label matrix Y is null"),
        of("leastSquares: null X", IAE, () -> Objectives.leastSquares(W, null, Y3), "leastSquares", "X is null"),
        of("leastSquares: null w", IAE, () -> Objectives.leastSquares(null, X, Y3), "leastSquares", "weights is null"),
        of("leastSquares: null y", IAE, () -> Objectives.leastSquares(W, X, null), "leastSquares", "targets y is null"),
        of("binaryLogistic: null y", IAE, () -> Objectives.binaryLogistic(W, X, null), "binaryLogistic", "labels y is null"),
        of("l2Penalty: null λ", IAE, () -> Objectives.l2Penalty(W, null), "l2Penalty", "lambda is null"),
        of("binaryLogisticWithIntercept: null b", IAE, () -> Objectives.binaryLogisticWithIntercept(W, null, X, Y3), "binaryLogisticWithIntercept", "intercept b is null"),
        of("MulticlassSvm.dual: null X", IAE, () -> MulticlassSvm.dual(beta, ONE, null, ONE_HOT), "MulticlassSvm.dual", "X is null"),
        of("MulticlassSvm.dual: null beta", IAE, () -> MulticlassSvm.dual(null, ONE, S, ONE_HOT), "MulticlassSvm.dual", "beta is null"),
        of("MulticlassSvm.primal: null labels", IAE, () -> MulticlassSvm.primal(W2, ONE, S, null), "MulticlassSvm.primal", "labels is null"),
        // shapes and empty data (zero samples gave NaN, 0 or 'max: empty tensor')
        of("leastSquares: X without rows", ShapeException.class, () -> Objectives.leastSquares(W, Tensor.zeros(0, 2), Tensor.zeros(0)), "leastSquares", "no rows"),
        of("binaryLogistic: X without rows", ShapeException.class, () -> Objectives.binaryLogistic(W, Tensor.zeros(0, 2), Tensor.zeros(0)), "binaryLogistic", "no rows"),
        of("multiclassLogistic: X without rows", ShapeException.class, () -> Objectives.multiclassLogistic(W2, Tensor.zeros(0, 2), new int[0]), "multiclassLogistic", "no rows"),
        of("squaredError: shapes differ", ShapeException.class, () -> Losses.squaredError(Y3, W), "squaredError", "(3,)", "(2,)"),
        of("leastSquares: y of the wrong length", ShapeException.class, () -> Objectives.leastSquares(W, X, W), "leastSquares", "targets y"),
        of("leastSquares: w of the wrong length", ShapeException.class, () -> Objectives.leastSquares(Y3, X, Y3), "leastSquares", "weights"),
        of("MulticlassSvm.dual: beta of the wrong shape", ShapeException.class, () -> MulticlassSvm.dual(Tensor.zeros(2, 3), ONE, S, ONE_HOT), "dual", "beta"),
        // out-of-domain hyperparameters
        of("huber: δ = 0", IAE, () -> Losses.huber(Y3, 0), "huber", "delta"),
        of("huber: NaN δ", IAE, () -> Losses.huber(Y3, NAN), "huber", "NaN"),
        of("ridge: λ = -1", IAE, () -> Objectives.ridge(W, Tensor.scalar(-1), X, Y3), "l2Penalty", "-1"),
        of("MulticlassSvm.dual: λ = 0", IAE, () -> MulticlassSvm.dual(beta, Tensor.scalar(0), S, ONE_HOT), "MulticlassSvm.dual", "lambda"),
        of("MulticlassSvm.primal: ∞ λ", IAE, () -> MulticlassSvm.primal(W2, Tensor.scalar(INF), S, LABELS), "MulticlassSvm.primal", "Infinity"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void failsClearly(String name, BadInput probe) {
    probe.check();
  }

  @Test
  void nanDataNeverReachTheGradientSilently() {
    NonFiniteException e = org.junit.jupiter.api.Assertions.assertThrows(NonFiniteException.class,
        () -> AD.grad(w -> Objectives.leastSquares(w, X_NAN, Y3), W));
    assertTrue(e.getMessage().contains("leastSquares: X must be finite"), e.getMessage());
  }

  @Test
  void overflowFromFiniteInputsIsReturnedNotThrown() {
    // finite data and weights whose predictions overflow: a legitimate +∞ (line searches back off from it)
    assertEquals(Double.POSITIVE_INFINITY, Objectives.leastSquares(Tensor.of(1e200, 1e200), X, Y3).item());
  }

  @Test
  void perElementLossesKeepTheNaNConvention() {
    // an elementwise loss maps NaN scores to NaN losses, element by element, like the Tensor operations
    double[] loss = Losses.squaredError(Y3, Tensor.of(NAN, 0, 3)).toDoubleArray();
    assertTrue(Double.isNaN(loss[0]));
    assertEquals(0.0, loss[1]);
    assertEquals(2.0, loss[2]);
  }
}
