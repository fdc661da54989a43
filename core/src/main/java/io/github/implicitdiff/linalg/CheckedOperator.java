package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The operator v ↦ (A + εI) v on double[], as the solvers see it: checks the shape and finiteness of
 * every product and names the solver and the iteration in its exceptions (package-private).
 */
final class CheckedOperator {
  private final LinearOperator operator;
  private final String method;
  private final double ridge;
  private final Preconditioner preconditioner;
  private final int n;

  CheckedOperator(String method, LinearOperator operator, double ridge, Preconditioner preconditioner) {
    this.operator = operator;
    this.method = method;
    this.ridge = ridge;
    this.preconditioner = preconditioner;
    this.n = operator.size();
  }

  int size() {
    return n;
  }

  /** (A + εI) v. */
  double[] apply(double[] v, int iteration) {
    double[] y = checked(operator.apply(Tensor.of(v)), "A v", iteration);
    if (ridge != 0) Vectors.axpy(ridge, v, y);
    return y;
  }

  /** (A + εI)ᵀ v. */
  double[] applyTranspose(double[] v, int iteration) {
    Tensor out;
    try {
      out = operator.applyTranspose(Tensor.of(v));
    } catch (UnsupportedOperationException e) {
      throw new UnsupportedOperationException(method + ": needs products Aᵀ v but the operator has no transpose; "
          + "give it one (LinearOperator.of(n, matvec, rmatvec, symmetric) or a dense matrix) or use gmres() or bicgstab(), "
          + "which need only A v", e);
    }
    double[] y = checked(out, "Aᵀ v", iteration);
    if (ridge != 0) Vectors.axpy(ridge, v, y);
    return y;
  }

  /** M⁻¹ r, or r itself (not copied) without a preconditioner. */
  double[] precondition(double[] r, int iteration) {
    if (preconditioner == null) return r;
    return checked(preconditioner.apply(Tensor.of(r)), "the preconditioner M⁻¹ r", iteration);
  }

  boolean hasPreconditioner() {
    return preconditioner != null;
  }

  /** b − (A + εI) x; b itself (a copy) for x = 0, the usual start, without a product. */
  double[] residual(double[] b, double[] x, int iteration) {
    boolean zero = true;
    for (int i = 0; i < x.length && zero; i++) zero = x[i] == 0;
    return zero ? b.clone() : Vectors.subtract(b, apply(x, iteration));
  }

  private double[] checked(Tensor out, String what, int iteration) {
    DenseMatrices.requireValues(method, "the product " + what, out);
    if (out.ndim() != 1 || out.dim(0) != n)
      throw new ShapeException(method + ": " + what + " returned shape " + out.shapeString() + " for an operator of size " + n
          + "; the operator must map vectors of shape (" + n + ",) to vectors of shape (" + n + ",)");
    double[] y = out.toDoubleArray();
    for (int i = 0; i < y.length; i++)
      if (!Double.isFinite(y[i]))
        throw new NonFiniteException(method + ": " + what + " produced " + y[i] + " at index " + i + " (iteration " + iteration
            + "); the operator is not finite at this point or the iteration diverged");
    return y;
  }

  /** Checks that A and b are given and that b has shape (n,) and finite values; returns its values. */
  static double[] requireProblem(String method, LinearOperator A, Tensor b) {
    present(method, "operator A", A);
    present(method, "right-hand side b", b);
    return requireRightHandSide(method, A, b, "b");
  }

  /** Checks that A and B are given and that B has shape (n, k); returns n (the values are checked by the solves). */
  static int requireColumns(String method, LinearOperator A, Tensor B) {
    present(method, "operator A", A);
    present(method, "right-hand sides B", B);
    int n = A.size();
    if (B.ndim() != 2 || B.dim(0) != n)
      throw new ShapeException(method + ": right-hand sides B have shape " + B.shapeString() + " but the operator has size "
          + n + "; pass a matrix of shape (" + n + ", k), one column per right-hand side");
    return n;
  }

  /** Throws {@link IllegalArgumentException} naming the method and the argument unless it is present. */
  static <T> T present(String method, String name, T value) {
    if (value == null) throw new IllegalArgumentException(method + ": " + name + " must not be null");
    return value;
  }

  /** Checks b (shape (n,), finite) and returns its values. */
  static double[] requireRightHandSide(String method, LinearOperator A, Tensor b, String name) {
    DenseMatrices.requireValues(method, name, b);
    int n = A.size();
    if (b.ndim() != 1 || b.dim(0) != n)
      throw new ShapeException(method + ": " + name + " has shape " + b.shapeString() + " but the operator has size " + n
          + "; pass a vector of shape (" + n + ",)");
    double[] values = b.toDoubleArray();
    for (int i = 0; i < values.length; i++)
      if (!Double.isFinite(values[i]))
        throw new NonFiniteException(method + ": " + name + " contains " + values[i] + " at index " + i
            + "; the right-hand side and the initial guess must be finite");
    return values;
  }
}
