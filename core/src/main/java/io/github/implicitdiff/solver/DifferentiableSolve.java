package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Primitive;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * X = A⁻¹ B (B a vector or a matrix) by a dense LU on concrete values, differentiated by its own
 * rule: dX = A⁻¹(dB − dA X); cotangents Ḡ_B = A⁻ᵀ Ḡ and Ḡ_A = −Ḡ_B Xᵀ. The rules call the primitive
 * again, so derivatives nest to any order. Used where a solver's iteration contains a small direct
 * solve (Anderson's mixing weights, Gauss–Newton steps, KKT solves) so that UNROLLED mode can
 * differentiate through it.
 */
final class DifferentiableSolve implements Primitive {
  private static final DifferentiableSolve INSTANCE = new DifferentiableSolve();

  private DifferentiableSolve() {}

  /** A⁻¹ B, differentiable in A and B. */
  static Tensor solve(Tensor A, Tensor B) {
    if (A.ndim() != 2 || A.dim(0) != A.dim(1) || B.ndim() < 1 || B.ndim() > 2 || B.dim(0) != A.dim(0))
      throw new ShapeException("solve: A " + A.shapeString() + " must be square and B " + B.shapeString()
          + " a vector or matrix with as many rows");
    return Tensor.apply(INSTANCE, A, B);
  }

  @Override
  public String name() {
    return "solve";
  }

  @Override
  public Tensor eval(Tensor... x) {
    return DenseLu.factor(x[0], "solve").solve(x[1], false);
  }

  @Override
  public Tensor jvpAll(Tensor[] dx, Tensor out, Tensor... x) {
    Tensor rhs = dx[1];
    if (dx[0] != null) {
      Tensor dAX = dx[0].matmul(out).neg();
      rhs = rhs == null ? dAX : rhs.add(dAX);
    }
    return rhs == null ? null : solve(x[0], rhs);
  }

  @Override
  public Tensor jvp(int i, Tensor dxi, Tensor out, Tensor... x) {
    Tensor[] dx = new Tensor[2];
    dx[i] = dxi;
    return jvpAll(dx, out, x);
  }

  @Override
  public Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x) {
    Tensor gB = solve(x[0].T(), g);
    Tensor gA = null;
    if (needed[0]) gA = (out.ndim() == 1 ? gB.outer(out) : gB.matmul(out.T())).neg();
    return new Tensor[] {gA, needed[1] ? gB : null};
  }

  @Override
  public Tensor vjp(int i, Tensor g, Tensor out, Tensor... x) {
    boolean[] needed = new boolean[2];
    needed[i] = true;
    return vjpAll(g, needed, out, x)[i];
  }
}
