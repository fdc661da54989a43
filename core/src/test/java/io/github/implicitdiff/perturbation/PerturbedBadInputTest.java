package io.github.implicitdiff.perturbation;

import static io.github.implicitdiff.BadInput.of;

import io.github.implicitdiff.BadInput;
import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to the perturbed functions: each an exception naming the entry point and the problem. */
class PerturbedBadInputTest {
  private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
  private static final Perturbation P = Perturbation.of(Noise.GAUSSIAN, 0.5).withSamples(20);
  private static final Tensor THETA = Tensor.of(0.1, 0.2, 0.3);

  static Stream<Arguments> probes() {
    AtomicInteger count = new AtomicInteger();
    BlackBox changingShape = th -> count.incrementAndGet() % 5 == 0 ? Tensor.zeros(2) : th;
    return BadInput.cases(
        of("samples 0", IAE, () -> P.withSamples(0), "Perturbation", "samples must be positive", "0"),
        of("samples −3", IAE, () -> Perturbation.of(Noise.GUMBEL, 1).withSamples(-3), "samples must be positive"),
        of("sigma 0", IAE, () -> Perturbation.of(Noise.GAUSSIAN, 0), "sigma", "positive and finite"),
        of("sigma negative", IAE, () -> P.withSigma(-1), "sigma", "positive and finite"),
        of("sigma NaN", IAE, () -> P.withSigma(Double.NaN), "sigma", "NaN"),
        of("sigma ∞", IAE, () -> P.withSigma(Double.POSITIVE_INFINITY), "sigma", "positive and finite"),
        of("null noise", IAE, () -> P.withNoise(null), "noise must not be null"),
        of("antithetic Gumbel", IAE, () -> Perturbation.of(Noise.GUMBEL, 1).withAntithetic(true), "antithetic", "not symmetric"),
        of("antithetic odd samples", IAE, () -> P.withSamples(21).withAntithetic(true), "even number of samples", "21"),
        of("null solver", IAE, () -> Perturbed.argmax(null, P), "Perturbed.argmax", "must not be null"),
        of("null perturbation", IAE, () -> Perturbed.fun(th -> th, null), "Perturbed.fun", "perturbation must not be null"),
        of("solver changes shape", ShapeException.class, () -> Perturbed.argmax(changingShape, P).apply(THETA),
            "Perturbed.argmax", "returned shape (2,) at sample 4", "one shape"),
        of("solver returns NaN", NonFiniteException.class,
            () -> Perturbed.argmax(th -> th.get(0) > 0.3 ? Tensor.of(Double.NaN, 0, 0) : th, P).apply(THETA),
            "Perturbed.argmax", "non-finite value at sample"),
        of("solver returns NaN in a gradient", NonFiniteException.class,
            () -> AD.grad(t -> Perturbed.fun(th -> Tensor.scalar(Double.NaN), P).apply(t), THETA), "Perturbed.fun", "non-finite"),
        of("solver returns null", IllegalStateException.class, () -> Perturbed.fun(th -> null, P).apply(THETA), "returned null"),
        of("control variate base NaN", NonFiniteException.class,
            () -> Perturbed.fun(th -> th.get(0) == 0.1 ? Tensor.of(Double.NaN) : Tensor.of(1), P.withControlVariate(true)).apply(THETA),
            "Perturbed.fun", "unperturbed θ"),
        of("θ NaN", NonFiniteException.class, () -> Perturbed.argmax(BlackBoxes.ONE_HOT, P).apply(Tensor.of(0, Double.NaN)),
            "Perturbed.argmax", "θ"),
        of("max: argmax of another shape", ShapeException.class,
            () -> Perturbed.max(th -> Tensor.zeros(2), P).apply(THETA), "Perturbed.max", "θ's shape"),
        of("batched scalar θ", ShapeException.class,
            () -> Perturbed.argmax(BlackBoxes.ONE_HOT, P.withBatched(true)).apply(Tensor.scalar(1)), "batch dimension"),
        of("Fenchel–Young target shape", ShapeException.class,
            () -> Perturbed.fenchelYoungLoss(BlackBoxes.ONE_HOT, P).apply(THETA, Tensor.of(1, 0)), "fenchelYoungLoss", "y has shape (2,)"),
        of("Fenchel–Young arity", IAE, () -> Perturbed.fenchelYoungLoss(BlackBoxes.ONE_HOT, P).apply(THETA), "takes (θ, y)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void throwsNamingTheProblem(String name, BadInput probe) {
    probe.check();
  }
}
