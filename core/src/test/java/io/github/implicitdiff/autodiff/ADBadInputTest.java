package io.github.implicitdiff.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** One test per failure mode of the differentiation entry points. */
class ADBadInputTest {
  private static void assertMentions(Exception e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
  }

  @Test
  void gradOfNonScalarFunction() {
    ShapeException e = assertThrows(ShapeException.class, () -> AD.grad(v -> v.mul(2), Tensor.of(1, 2)));
    assertMentions(e, "grad", "scalar", "(2,)", "jacobian");
  }

  @Test
  void jvpTangentShapeMismatch() {
    ShapeException e = assertThrows(ShapeException.class, () -> AD.jvp(Tensor::sin, Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
    assertMentions(e, "jvp", "(2, 3)", "(3, 2)", "tangent");
  }

  @Test
  void jvpTangentCountMismatch() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AD.jvp(in -> in, new Tensor[] {Tensor.zeros(2), Tensor.zeros(2)}, new Tensor[] {Tensor.zeros(2)}));
    assertMentions(e, "jvp", "2 inputs", "1 tangents");
  }

  @Test
  void pullbackCotangentShapeMismatch() {
    VjpResult r = AD.vjp(in -> new Tensor[] {in[0].sum(0)}, Tensor.zeros(2, 3));
    ShapeException e = assertThrows(ShapeException.class, () -> r.pullback().apply(Tensor.zeros(2)));
    assertMentions(e, "pullback", "(3,)", "(2,)");
  }

  @Test
  void vjpCotangentShapeMismatch() {
    ShapeException e = assertThrows(ShapeException.class, () -> AD.vjp(Tensor::exp, Tensor.zeros(4), Tensor.zeros(2, 2)));
    assertMentions(e, "pullback", "(4,)", "(2, 2)");
  }

  @Test
  void pullbackCotangentCountMismatch() {
    VjpResult r = AD.vjp(in -> new Tensor[] {in[0], in[0]}, Tensor.zeros(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.pullback().apply(Tensor.zeros(2)));
    assertMentions(e, "pullback", "2 outputs", "1 cotangents");
  }

  @Test
  void gradAtNaN() {
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> AD.grad(v -> v.sum(), Tensor.of(1, Double.NaN)));
    assertMentions(e, "grad", "input 0", "NaN", "flat index 1", "(2,)");
  }

  @Test
  void gradAllAtInfinity() {
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> AD.gradAll(in -> in[0].add(in[1]).sum(), Tensor.of(1), Tensor.of(Double.POSITIVE_INFINITY)));
    assertMentions(e, "grad", "input 1", "Infinity");
  }

  @Test
  void jvpWithNaNTangent() {
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> AD.jvp(Tensor::sin, Tensor.zeros(2), Tensor.of(0, Double.NaN)));
    assertMentions(e, "jvp", "tangent 0", "NaN");
  }

  @Test
  void jvpAtNaN() {
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> AD.jvp(Tensor::sin, Tensor.of(Double.NaN), Tensor.of(1)));
    assertMentions(e, "jvp", "input 0", "NaN");
  }

  @Test
  void vjpAtNaN() {
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> AD.vjp(Tensor::sin, Tensor.of(Double.NaN), Tensor.of(1)));
    assertMentions(e, "vjp", "input 0", "NaN");
  }

  @Test
  void pullbackWithNaNCotangent() {
    VjpResult r = AD.vjp(in -> new Tensor[] {in[0].sin()}, Tensor.zeros(2));
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> r.pullback().apply(Tensor.of(1, Double.NaN)));
    assertMentions(e, "pullback", "cotangent 0", "NaN", "flat index 1");
  }

  @Test
  void jacobianAndHessianAtNaN() {
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> AD.jacobian(Tensor::sin, Tensor.of(Double.NaN, 1)));
    assertMentions(e, "jacobian", "NaN");
    NonFiniteException h = assertThrows(NonFiniteException.class, () -> AD.hessian(v -> v.sum(), Tensor.of(Double.NaN)));
    assertMentions(h, "NaN");
  }

  @Test
  void closedOverMaskWithInfinityIsAllowed() {
    // only the arguments being differentiated are checked: −∞ logits closed over still work
    Tensor mask = Tensor.of(0, Double.NEGATIVE_INFINITY, 0);
    Tensor g = AD.grad(v -> v.add(mask).logsumexp(), Tensor.of(1, 2, 1));
    assertArrayEquals(new double[] {0.5, 0, 0.5}, g.toDoubleArray(), 1e-15);
  }

  @Test
  void customFunctionClosingOverATracer() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AD.grad(x -> {
      MultiInputFunction f = AD.customJvp(in -> in[0].mul(x), (in, out, dx) -> dx[0].mul(x));
      return f.apply(Tensor.of(1, 2)).sum();
    }, Tensor.of(3, 4)));
    assertMentions(e, "customJvp", "closes over", "argument");
  }

  @Test
  void customVjpRuleReturningWrongShape() {
    MultiInputFunction f = AD.customVjp(in -> in[0].sin(), (in, out, g) -> new Tensor[] {g.sum()});
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AD.grad(v -> f.apply(v).sum(), Tensor.zeros(3)));
    assertMentions(e, "customVjp", "()", "(3,)");
  }

  @Test
  void customJvpRuleReturningWrongShape() {
    MultiInputFunction f = AD.customJvp(in -> in[0].sin(), (in, out, dx) -> dx[0].sum());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AD.jvp(v -> f.apply(v), Tensor.zeros(3), Tensor.ones(3)));
    assertMentions(e, "customJvp", "()", "(3,)");
  }

  @Test
  void tracerEscapingIntoAnotherDifferentiation() {
    Tensor[] leaked = new Tensor[1];
    AD.grad(x -> {
      leaked[0] = x;
      return x.sum();
    }, Tensor.of(1, 2));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AD.grad(y -> y.add(leaked[0]).sum(), Tensor.of(3, 4)));
    assertMentions(e, "add", "escaped");
  }
}
