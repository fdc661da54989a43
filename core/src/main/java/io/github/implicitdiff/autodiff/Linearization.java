package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;
import java.util.function.Function;

/**
 * Outputs of a function with its pushforward (JVP) and pullback (VJP) at one point, from one recorded
 * evaluation, as returned by {@link AD#linearize}.
 *
 * <p>{@link #pullbackOf} and {@link #pushforwardOf} restrict the maps to some of the inputs: linearize f(x, θ) once
 * in both, then take many products in x alone (a Krylov solve with ∂ₓf) and one in θ (∂_θf), each product
 * running only the recorded steps that depend on the inputs it involves.
 *
 * <pre>{@code
 * Linearization lin = AD.linearize(in -> new Tensor[] {in[0].mul(in[0]).mul(in[1])}, x, theta);
 * Tensor ax = lin.pullbackOf(0).apply(w)[0];       // wᵀ ∂ₓf: nothing done for θ
 * Tensor bt = lin.pullbackOf(1).apply(w)[0];       // wᵀ ∂_θf, from the same recording
 * Tensor jx = lin.pushforwardOf(0).apply(v)[0];    // ∂ₓf v, θ's tangent zero
 * }</pre>
 */
public final class Linearization {
  private final Tensor[] value;
  private final int inputCount;
  private final Pushforward pushforward;
  private final Pullback pullback;
  private final Function<int[], Pullback> restrictedPullback;
  private final Function<int[], Pushforward> restrictedPushforward;

  Linearization(Tensor[] value, int inputCount, Pushforward pushforward, Pullback pullback, Function<int[], Pullback> restrictedPullback,
      Function<int[], Pushforward> restrictedPushforward) {
    this.value = value;
    this.inputCount = inputCount;
    this.pushforward = pushforward;
    this.pullback = pullback;
    this.restrictedPullback = restrictedPullback;
    this.restrictedPushforward = restrictedPushforward;
  }

  /** The outputs f(x) (concrete unless an outer trace records them). */
  public Tensor[] value() {
    return value;
  }

  /** The single output. */
  public Tensor out() {
    return value[0];
  }

  /** t ↦ ∂f(x)·t, one tangent per input. */
  public Pushforward pushforward() {
    return pushforward;
  }

  /** g ↦ gᵀ∂f(x), one cotangent per input returned. */
  public Pullback pullback() {
    return pullback;
  }

  /**
   * The pullback to the listed inputs only: {@code apply(g)} returns their cotangents, in the listed order, and
   * skips every recorded step that does not depend on them (and each step's cotangents for the other inputs).
   *
   * @throws IllegalArgumentException if an index is out of range or repeated
   */
  public Pullback pullbackOf(int... inputs) {
    return restrictedPullback.apply(checked("pullbackOf", inputs));
  }

  /**
   * The pushforward from the listed inputs only: {@code apply(t)} takes their tangents, in the listed order, holds
   * the other inputs' tangents at zero, and runs only the JVP rules of the steps that depend on the listed inputs.
   *
   * @throws IllegalArgumentException if an index is out of range or repeated
   */
  public Pushforward pushforwardOf(int... inputs) {
    return restrictedPushforward.apply(checked("pushforwardOf", inputs));
  }

  private int[] checked(String op, int[] inputs) {
    int count = inputCount;
    boolean[] seen = new boolean[count];
    for (int i : inputs) {
      if (i < 0 || i >= count)
        throw new IllegalArgumentException(op + ": input index " + i + " is out of range: the function has " + count
            + " input" + (count == 1 ? "" : "s"));
      if (seen[i]) throw new IllegalArgumentException(op + ": input index " + i + " is listed twice");
      seen[i] = true;
    }
    return inputs.clone();
  }
}
