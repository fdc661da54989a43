package io.github.implicitdiff.perturbation;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Shapes;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Perturbed optimizers (Berthet et al. 2020, <i>Learning with differentiable perturbed optimizers</i>; JAXopt's
 * {@code perturbations}): a piecewise-constant solver output y*(θ) = argmax_{y ∈ C} ⟨y, θ⟩ (a discrete choice, a
 * ranking, a path), or any black-box f, made smooth and differentiable by averaging it over random perturbations
 * of its input: y_ε(θ) = E[y*(θ + εZ)], F_ε(θ) = E[max_{y ∈ C} ⟨y, θ + εZ⟩] (whose gradient is y_ε).
 *
 * <p>The black box runs on concrete tensors and is never differentiated. Values are Monte-Carlo means over
 * fixed draws ({@link Perturbation}: noise, ε, sample count, seed); derivatives are custom rules, forward (JVP)
 * and reverse (VJP), on the same draws: ∂y_ε = E[y*(θ + εZ) ∇ν(Z)ᵀ]/ε (for Gaussian noise ∇ν(Z) = Z), so the
 * functions compose with everything in {@link AD}, to any order.
 *
 * <pre>{@code
 * BlackBox oneHot = th -> Tensor.oneHot(Tensor.scalar(th.argmax(0)[0]), th.dim(0));
 * Perturbation p = Perturbation.of(Noise.GUMBEL, 0.5).withSamples(5000);
 * TensorFunction y = Perturbed.argmax(oneHot, p);               // ≈ softmax(θ/0.5)
 * Tensor J = AD.jacobian(y, Tensor.of(0.3, -0.2, 0.1));           // ≈ (diag(p) − ppᵀ)/0.5
 * MultiInputFunction loss = Perturbed.fenchelYoungLoss(oneHot, p);
 * Tensor g = AD.gradAll(loss, Tensor.of(0.3, -0.2, 0.1), Tensor.of(0, 0, 1))[0];   // y_ε(θ) − y
 * }</pre>
 */
public final class Perturbed {
  private Perturbed() {}

  /**
   * θ ↦ f_ε(θ) = E[f(θ + εZ)] for any black box f (output of any shape; batched: shape (B, f's output shape)).
   * Its Jacobian is estimated by E[f(θ + εZ) ∇ν(Z)ᵀ]/ε on the value's draws, higher derivatives likewise.
   *
   * <pre>{@code
   * TensorFunction smoothStep = Perturbed.fun(x -> x.gt(0), Perturbation.of(Noise.GAUSSIAN, 1).withSamples(10000));
   * double slope = AD.grad(x -> smoothStep.apply(x).sum(), Tensor.of(0.0)).item();   // ≈ φ(0) = 0.399
   * }</pre>
   *
   * @throws IllegalArgumentException if f or p is null
   */
  public static TensorFunction fun(BlackBox f, Perturbation p) {
    return smooth(new Estimator("Perturbed.fun", f, p));
  }

  /**
   * θ ↦ y_ε(θ) = E[y*(θ + εZ)] for an argmax y*(θ) = argmax_{y ∈ C} ⟨y, θ⟩ given as a black box: the same
   * estimator as {@link #fun}, for solvers. With Gumbel noise and y* the one-hot argmax, y_ε = softmax(θ/ε).
   *
   * <pre>{@code
   * BlackBox ranks = th -> { ... };   // the rank of each score: argmax over permutations of (1..n)
   * Tensor softRanks = Perturbed.argmax(ranks, Perturbation.of(Noise.GAUSSIAN, 0.1)).apply(scores);
   * }</pre>
   */
  public static TensorFunction argmax(BlackBox argmax, Perturbation p) {
    return smooth(new Estimator("Perturbed.argmax", argmax, p));
  }

  /**
   * θ ↦ F_ε(θ) = E[max_{y ∈ C} ⟨y, θ + εZ⟩] = E[⟨y*(θ + εZ), θ + εZ⟩], a scalar (batched: one per row), with
   * {@code argmax} returning y* of θ's shape. Its gradient is y_ε(θ) = {@link #argmax}(θ) on the same draws
   * (exactly the derivative of the Monte-Carlo value, which is piecewise linear in θ), and its Hessian the
   * Jacobian of y_ε.
   *
   * <pre>{@code
   * TensorFunction F = Perturbed.max(oneHot, Perturbation.of(Noise.GUMBEL, 1));   // ≈ logsumexp(θ) + γ
   * Tensor hv = AD.hvp(F, theta, v);                                              // ≈ (diag(p) − ppᵀ) v
   * }</pre>
   *
   * @throws ShapeException (when applied) if argmax returns a shape other than θ's (per row when batched)
   */
  public static TensorFunction max(BlackBox argmax, Perturbation p) {
    return max("Perturbed.max", argmax, p);
  }

  /**
   * The Fenchel–Young loss (θ, y) ↦ F_ε(θ) − ⟨θ, y⟩ of the perturbed argmax (Berthet et al. 2020, §4.1), a scalar
   * (batched: one per row). Its gradient in θ is y_ε(θ) − y, so learning θ needs the solver's outputs only,
   * never a derivative of the solver; it is convex in θ and its gradient vanishes where y_ε(θ) = y. The
   * constant Ω(y) of the paper's definition is left out (it does not depend on θ), so the loss can be negative.
   *
   * <pre>{@code
   * MultiInputFunction loss = Perturbed.fenchelYoungLoss(ranks, Perturbation.of(Noise.GAUSSIAN, 0.5).withBatched(true));
   * Tensor gW = AD.grad(W -> loss.apply(X.matmul(W), targets).mean(), W);   // fit scores XW to target rankings
   * }</pre>
   *
   * @throws ShapeException (when applied) if y's shape is not θ's
   */
  public static MultiInputFunction fenchelYoungLoss(BlackBox argmax, Perturbation p) {
    TensorFunction F = max("Perturbed.fenchelYoungLoss", argmax, p);
    boolean batched = p.batched();
    return in -> {
      if (in.length != 2)
        throw new IllegalArgumentException("Perturbed.fenchelYoungLoss: takes (θ, y), got " + in.length + " arguments");
      if (!Arrays.equals(in[0].shape(), in[1].shape()))
        throw new ShapeException("Perturbed.fenchelYoungLoss: y has shape " + in[1].shapeString() + " but θ has shape "
            + in[0].shapeString() + "; the target must be a point of θ's shape (a solver output)");
      return F.apply(in[0]).sub(inner(in[0], in[1], batched));
    };
  }

  private static TensorFunction smooth(Estimator e) {
    MultiInputFunction c = AD.custom(x -> e.value(x[0]), (x, out, dx) -> e.jvp(x[0], dx[0]),
        (x, out, g) -> new Tensor[] {e.vjp(x[0], g)});
    return theta -> c.apply(theta);
  }

  private static TensorFunction max(String name, BlackBox argmax, Perturbation p) {
    Estimator e = new Estimator(name, argmax, p);
    TensorFunction y = smooth(e);   // the same estimator: the same draws and the cached outputs
    boolean batched = p.batched();
    // F_ε's JVP ⟨y_ε(θ), t⟩ and VJP g·y_ε(θ) go through y_ε's own rules, so second derivatives are y_ε's Jacobian
    MultiInputFunction c = AD.custom(x -> maxValue(e, x[0]), (x, out, dx) -> inner(y.apply(x[0]), dx[0], batched),
        (x, out, g) -> new Tensor[] {y.apply(x[0]).mul(batched ? g.reshape(rowShape(x[0])) : g)});
    return theta -> c.apply(theta);
  }

  /** (1/M) Σ_m ⟨y*(θ + εZ_m), θ + εZ_m⟩, per row. */
  private static Tensor maxValue(Estimator e, Tensor theta) {
    Estimator.Sampled s = e.at(theta);
    int[] inner = e.perturbation().batched() ? Arrays.copyOfRange(s.shape(), 1, s.shape().length) : s.shape();
    if (!Arrays.equals(inner, s.outInner()))
      throw new ShapeException(e.name() + ": the argmax returned shape " + Shapes.str(s.outInner()) + " for θ"
          + (e.perturbation().batched() ? " rows" : "") + " of shape " + Shapes.str(inner)
          + "; max_y ⟨y, θ⟩ needs y of θ's shape");
    Tensor u = s.z().mul(e.perturbation().sigma()).add(Tensor.fromArray(s.theta(), s.rows(), s.n()));
    Tensor perRow = s.out().mul(u).sum(2).mean(0);   // (B)
    return e.perturbation().batched() ? perRow : perRow.reshape();
  }

  /** ⟨a, b⟩ over everything (a scalar) or, batched, over all but the leading dimension (shape (B)). */
  private static Tensor inner(Tensor a, Tensor b, boolean batched) {
    Tensor prod = a.mul(b);
    return batched ? prod.reshape(a.dim(0), -1).sum(1) : prod.sum();
  }

  /** (B, 1, …, 1) with θ's rank, for broadcasting one number per row. */
  private static int[] rowShape(Tensor theta) {
    int[] r = new int[theta.ndim()];
    Arrays.fill(r, 1);
    r[0] = theta.dim(0);
    return r;
  }
}
