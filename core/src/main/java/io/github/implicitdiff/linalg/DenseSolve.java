package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.JointPrimitive;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * X = A⁻¹ B for a small dense square A and B a vector or a matrix, differentiable in A and B to any
 * order: dX = A⁻¹(dB − dA X) (JVP) and, for a cotangent G, B̄ = A⁻ᵀ G and Ā = −B̄ Xᵀ (VJP). Both rules
 * call the solve again, so derivatives of derivatives work. The concrete solve is {@link Lu} (partial
 * pivoting; {@link SingularMatrixException} when A is singular or too ill-conditioned).
 *
 * <pre>{@code
 * Tensor x = DenseSolve.solve(A, b);
 * Tensor dxdb = AD.jacobian(v -> DenseSolve.solve(A, v), b);   // A⁻¹
 * }</pre>
 */
public final class DenseSolve implements JointPrimitive {
  private static final DenseSolve INSTANCE = new DenseSolve();

  private DenseSolve() {}

  /** A⁻¹ B, differentiable in A and B. */
  public static Tensor solve(Tensor A, Tensor B) {
    if (A.ndim() != 2 || A.dim(0) != A.dim(1) || B.ndim() < 1 || B.ndim() > 2 || B.dim(0) != A.dim(0))
      throw new ShapeException("solve: A " + A.shapeString() + " must be square and B " + B.shapeString()
          + " a vector or a matrix with as many rows");
    return Tensor.apply(INSTANCE, A, B);
  }

  @Override
  public String name() {
    return "solve";
  }

  @Override
  public Tensor eval(Tensor... x) {
    return Lu.factor(x[0]).solve(x[1]);
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
  public Tensor[] vjpAll(Tensor g, boolean[] needed, Tensor out, Tensor... x) {
    Tensor gB = solve(x[0].T(), g);
    Tensor gA = null;
    if (needed[0]) gA = (out.ndim() == 1 ? gB.outer(out) : gB.matmul(out.T())).neg();
    return new Tensor[] {gA, needed[1] ? gB : null};
  }
}
