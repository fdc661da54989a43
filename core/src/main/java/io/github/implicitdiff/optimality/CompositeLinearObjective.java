package io.github.implicitdiff.optimality;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * An objective that sees x only through a fixed linear map plus a linear term:
 * <pre>
 *   f(x, θ) = h(Aᵀx, θ) + ⟨c, x⟩,
 * </pre>
 * x of shape (m) or (m, k), A of shape (m, p), so that z = Aᵀx has shape (p) or (p, k), and c of x's shape
 * (or no linear term). Row b of A pairs with block b of x (its entry b, or its row b), which is what block
 * coordinate solvers exploit: moving block b by Δ moves z by outer(A[b], Δ) (A[b]·Δ for a vector x), and
 * the block's gradient is A[b]·∇h(z, θ) + c[b], so a block step costs O(size of z) instead of a full
 * evaluation of f (JAXopt's {@code CompositeLinearFunction}; see
 * {@code solver.BlockCoordinateDescent}).
 *
 * <p>It is an ordinary {@link Objective}: {@link #apply} evaluates h(Aᵀx, θ) + ⟨c, x⟩ in tensor operations,
 * so optimality conditions, implicit and unrolled differentiation use it like any other objective.
 * θ goes to h alone; A and c are fixed tensors (c does not depend on θ: a constant is all the multiclass
 * SVM dual and the lasso need; a θ-dependent linear term can be written into h only if it factors through
 * Aᵀx, otherwise use a plain {@link Objective}).
 *
 * <pre>{@code
 * // the lasso's smooth part ½‖Xw − y‖²/n by coordinates of w: A = Xᵀ (d, n), z = Xw, θ = (y)
 * CompositeLinearObjective f = CompositeLinearObjective.of(
 *     (z, th) -> z.sub(th[0]).square().sum().mul(0.5 / n), X.T());
 * Tensor value = f.apply(w, y);                                  // = ½‖Xw − y‖²/n
 * BlockCoordinateDescent bcd = BlockCoordinateDescent.of(f, ProximalOperator.lasso(), 1);
 * }</pre>
 */
public final class CompositeLinearObjective implements Objective {
  private final Objective h;
  private final Tensor A;
  private final Tensor c;

  private CompositeLinearObjective(Objective h, Tensor A, Tensor c) {
    this.h = h;
    this.A = A;
    this.c = c;
  }

  /**
   * f(x, θ) = h(Aᵀx, θ), no linear term.
   *
   * @param h scalar function of z = Aᵀx and θ
   * @param A (m, p): one row per block of x
   * @throws IllegalArgumentException if h or A is null, or A is not finite
   * @throws ShapeException if A is not a matrix
   */
  public static CompositeLinearObjective of(Objective h, Tensor A) {
    check(h, A);
    return new CompositeLinearObjective(h, A, null);
  }

  /**
   * f(x, θ) = h(Aᵀx, θ) + ⟨c, x⟩.
   *
   * @param h scalar function of z = Aᵀx and θ
   * @param A (m, p): one row per block of x
   * @param c the linear term, of x's shape: (m) or (m, k)
   * @throws IllegalArgumentException if an argument is null, or A or c is not finite
   * @throws ShapeException if A is not a matrix, or c is not (m) or (m, k) with m = A's rows
   */
  public static CompositeLinearObjective of(Objective h, Tensor A, Tensor c) {
    check(h, A);
    if (c == null) throw new IllegalArgumentException("CompositeLinearObjective: the linear term c must not be null"
        + " (use of(h, A) for none)");
    if (c.ndim() < 1 || c.ndim() > 2 || c.dim(0) != A.dim(0))
      throw new ShapeException("CompositeLinearObjective: the linear term c " + c.shapeString() + " must have x's shape, ("
          + A.dim(0) + ") or (" + A.dim(0) + ", k), one block per row of A " + A.shapeString());
    c.requireFinite("CompositeLinearObjective: the linear term c");
    return new CompositeLinearObjective(h, A, c);
  }

  private static void check(Objective h, Tensor A) {
    if (h == null) throw new IllegalArgumentException("CompositeLinearObjective: the function h must not be null");
    if (A == null) throw new IllegalArgumentException("CompositeLinearObjective: the matrix A must not be null");
    if (A.ndim() != 2)
      throw new ShapeException("CompositeLinearObjective: A must be a matrix (m, p), one row per block of x, got shape "
          + A.shapeString());
    A.requireFinite("CompositeLinearObjective: the matrix A");
  }

  /** h(Aᵀx, θ) + ⟨c, x⟩. */
  @Override
  public Tensor apply(Tensor x, Tensor... theta) {
    Tensor value = outer(image(x), theta);
    return c == null ? value : value.add(c.mul(x).sum());
  }

  /**
   * h(z, θ), checked to be a single value.
   *
   * @throws ShapeException if h does not return a single value
   */
  public Tensor outer(Tensor z, Tensor... theta) {
    Tensor value = h.apply(z, theta);
    if (value == null || value.size() != 1)
      throw new ShapeException("CompositeLinearObjective: h must return a single value, got "
          + (value == null ? "null" : "shape " + value.shapeString()));
    return value.reshape();
  }

  /**
   * z = Aᵀx, of shape (p) or (p, k).
   *
   * @throws ShapeException if x does not fit A and c (see {@link #requireCompatible})
   */
  public Tensor image(Tensor x) {
    requireCompatible(x);
    return A.T().matmul(x);
  }

  /**
   * Throws unless x fits: a vector (m) or matrix (m, k) with m = A's rows, of c's shape when there is a
   * linear term.
   *
   * @throws IllegalArgumentException if x is null
   * @throws ShapeException naming the shapes otherwise
   */
  public void requireCompatible(Tensor x) {
    if (x == null) throw new IllegalArgumentException("CompositeLinearObjective: x must not be null");
    if (x.ndim() < 1 || x.ndim() > 2)
      throw new ShapeException("CompositeLinearObjective: x must be a vector (m) or a matrix (m, k), got shape "
          + x.shapeString());
    if (x.dim(0) != A.dim(0))
      throw new ShapeException("CompositeLinearObjective: x " + x.shapeString() + " has " + x.dim(0) + " blocks (first axis)"
          + " but A " + A.shapeString() + " has " + A.dim(0) + " rows; A needs one row per block of x");
    if (c != null && !java.util.Arrays.equals(c.shape(), x.shape()))
      throw new ShapeException("CompositeLinearObjective: x " + x.shapeString() + " must have the shape of the linear term c "
          + c.shapeString());
  }

  /** The matrix A (m, p), row b paired with block b of x. */
  public Tensor matrix() {
    return A;
  }

  /** The linear term c (x's shape), or null when there is none. */
  public Tensor linearTerm() {
    return c;
  }
}
