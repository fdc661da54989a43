package io.github.implicitdiff.autodiff;

import static io.github.implicitdiff.autodiff.GradientCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Linearization.pullbackOf / pushforwardOf: the maps of some inputs from one recording of f. */
class RestrictedLinearizationTest {
  /** Three inputs (x, a, b): steps on x and a together, on a alone, on b alone; two outputs. */
  private static Tensor[] f(Tensor[] in, MultiInputFunction onB) {
    Tensor x = in[0], a = in[1], b = in[2];
    Tensor ax = a.matmul(x).tanh();                       // x and a
    Tensor aa = a.square().sum(1).exp().mul(0.1);         // a alone
    Tensor bb = onB.apply(b);                              // b alone
    Tensor y = ax.add(aa).mul(bb.sum()).add(x.slice(0, 0, ax.dim(0)).sin());
    return new Tensor[] {y, x.square().sum().add(aa.sum())};
  }

  /** b ↦ b·cos(b) with a VJP and a JVP rule that count their calls. */
  private static MultiInputFunction counted(AtomicInteger vjps, AtomicInteger jvps) {
    return AD.custom(in -> in[0].mul(in[0].cos()), (x, out, dx) -> {
      jvps.incrementAndGet();
      return dx[0].mul(x[0].cos().sub(x[0].mul(x[0].sin())));
    }, (x, out, g) -> {
      vjps.incrementAndGet();
      return new Tensor[] {g.mul(x[0].cos().sub(x[0].mul(x[0].sin())))};
    });
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 2, 3, 4, 5})
  void restrictedMapsAreTheFullMapsParts(long seed) {
    Random rng = new Random(seed);
    int m = 3 + (int) seed % 3, n = m + 1 + (int) seed % 2;
    Tensor x = Tensor.randn(rng, n), a = Tensor.randn(rng, m, n).mul(0.5), b = Tensor.randn(rng, 4);
    AtomicInteger vjps = new AtomicInteger(), jvps = new AtomicInteger();
    MultiInputFunction onB = counted(vjps, jvps);
    Linearization lin = AD.linearize(in -> f(in, onB), x, a, b);
    Tensor g0 = Tensor.randn(rng, m), g1 = Tensor.randn(rng);
    Tensor[] full = lin.pullback().apply(g0, g1);
    int fullVjps = vjps.get();
    assertEquals(1, fullVjps);

    Tensor[] ofX = lin.pullbackOf(0).apply(g0, g1);
    assertEquals(1, ofX.length);
    assertClose("pullbackOf(0) = pullback's x part, seed " + seed, full[0], ofX[0], 1e-14);
    assertEquals(fullVjps, vjps.get(), "the pullback to x ran the rule of a step on b alone");

    Tensor[] ofBandA = lin.pullbackOf(2, 1).apply(g0, g1);
    assertClose("pullbackOf(2, 1)[0] = b part", full[2], ofBandA[0], 1e-14);
    assertClose("pullbackOf(2, 1)[1] = a part", full[1], ofBandA[1], 1e-14);

    Tensor dx = Tensor.randn(rng, n), da = Tensor.randn(rng, m, n), db = Tensor.randn(rng, 4);
    Tensor[] jvpX = AD.jvp(in -> f(in, onB), new Tensor[] {x, a, b},
        new Tensor[] {dx, Tensor.zerosLike(a), Tensor.zerosLike(b)}).tangent();
    int jvpsBefore = jvps.get();
    Tensor[] pushX = lin.pushforwardOf(0).apply(dx);
    assertEquals(jvpsBefore, jvps.get(), "the pushforward from x ran the JVP rule of a step on b alone");
    assertClose("pushforwardOf(0) output 0", jvpX[0], pushX[0], 1e-13);
    assertClose("pushforwardOf(0) output 1", jvpX[1], pushX[1], 1e-13);
    Tensor[] jvpAB = AD.jvp(in -> f(in, onB), new Tensor[] {x, a, b}, new Tensor[] {Tensor.zerosLike(x), da, db}).tangent();
    Tensor[] pushAB = lin.pushforwardOf(1, 2).apply(da, db);
    assertClose("pushforwardOf(1, 2) output 0", jvpAB[0], pushAB[0], 1e-13);
    assertClose("pushforwardOf(1, 2) output 1", jvpAB[1], pushAB[1], 1e-13);
    // the empty selection: no input, zero maps
    assertEquals(0, lin.pullbackOf().apply(g0, g1).length);
    assertClose("pushforwardOf() is zero", Tensor.zeros(m), lin.pushforwardOf().apply()[0], 0);
  }

  @Test
  void restrictedPullbackDifferentiatesUnderAnOuterGrad() {
    // d/ds of ⟨pullbackOf(0)(s·g), u⟩ = ⟨pullbackOf(0)(g), u⟩ (linear in the cotangent), and in the primal point:
    // d/dc of the x-cotangent of f(x, c) = c·sin(x)·... checked by central differences
    Tensor x = Tensor.of(0.3, -1.2, 0.7), g = Tensor.of(1.0, -2.0, 0.5);
    TensorFunction h = c -> {
      Linearization lin = AD.linearize(in -> new Tensor[] {in[0].sin().mul(in[1]).mul(in[1].exp())}, x, c);
      return lin.pullbackOf(0).apply(g)[0].sum();
    };
    Tensor c = Tensor.of(0.4, 1.1, -0.6);
    Tensor grad = AD.grad(h, c);
    double eps = 1e-6;
    for (int i = 0; i < 3; i++) {
      double[] up = c.toDoubleArray(), dn = c.toDoubleArray();
      up[i] += eps;
      dn[i] -= eps;
      double fd = (h.apply(Tensor.of(up)).item() - h.apply(Tensor.of(dn)).item()) / (2 * eps);
      assertEquals(fd, grad.toDoubleArray()[i], 1e-8, "d/dc_" + i);
    }
  }

  @Test
  void badSelectionsAreRejected() {
    Linearization lin = AD.linearize(in -> new Tensor[] {in[0].mul(in[1])}, Tensor.of(1, 2), Tensor.of(3, 4));
    var e = assertThrows(IllegalArgumentException.class, () -> lin.pullbackOf(2));
    assertTrue(e.getMessage().contains("out of range") && e.getMessage().contains("2 inputs"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> lin.pushforwardOf(0, 0));
    assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> lin.pullbackOf(-1));
    // tangents are matched against the selected inputs' shapes
    assertThrows(io.github.implicitdiff.tensor.ShapeException.class, () -> lin.pushforwardOf(1).apply(Tensor.of(1, 2, 3)));
    assertThrows(IllegalArgumentException.class, () -> lin.pushforwardOf(1).apply(Tensor.of(1, 2), Tensor.of(1, 2)));
  }
}
