package io.github.implicitdiff.prox;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ProxValidationTest {
  private static final Tensor X = Tensor.of(1, -2, 0.5);

  private static void assertMessage(Class<? extends Throwable> type, Executable call, String... fragments) {
    Throwable e = assertThrows(type, call);
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
  }

  @Test
  void negativeHyperparameter() {
    assertMessage(IllegalArgumentException.class, () -> Prox.lasso(X, Tensor.scalar(-1), 1), "Prox.lasso", "λ", "-1");
    assertMessage(IllegalArgumentException.class, () -> Prox.ridge(X, Tensor.scalar(-0.5), 1), "Prox.ridge", "-0.5");
    assertMessage(IllegalArgumentException.class, () -> Prox.elasticNet(X, Tensor.scalar(1), Tensor.scalar(-1), 1), "λ2");
  }

  @Test
  void negativeStep() {
    assertMessage(IllegalArgumentException.class, () -> Prox.lasso(X, Tensor.scalar(1), -0.1), "η", "-0.1");
  }

  @Test
  void nonFiniteInput() {
    assertMessage(NonFiniteException.class, () -> Prox.lasso(Tensor.of(Double.NaN), Tensor.scalar(1), 1), "Prox.lasso", "x");
    assertMessage(NonFiniteException.class, () -> Prox.ridge(X, Tensor.scalar(Double.NaN), 1), "λ");
    assertMessage(IllegalArgumentException.class, () -> Prox.ridge(X, Tensor.scalar(1), Double.NaN), "η");
  }

  @Test
  void hyperparameterShapeMismatch() {
    assertMessage(ShapeException.class, () -> Prox.lasso(X, Tensor.of(1, 1), 1), "(2,)", "(3,)");
    assertMessage(ShapeException.class, () -> Prox.groupLasso(Tensor.zeros(2, 3), Tensor.ones(3), 1, 1), "(2, 1)");
  }

  @Test
  void badGroupAxis() {
    assertThrows(ShapeException.class, () -> Prox.groupLasso(X, Tensor.scalar(1), 1, 2));
  }

  @Test
  void wrongHyperparameterCount() {
    assertMessage(IllegalArgumentException.class, () -> ProximalOperator.elasticNet().apply(X, 1, Tensor.scalar(1)),
        "elasticNet", "2");
    assertMessage(IllegalArgumentException.class, () -> ProximalOperator.identity().apply(X, 1, Tensor.scalar(1)), "none");
  }
}
