package io.github.implicitdiff.solver;

import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Euclidean projection onto a polyhedron, proj(x) = argmin_{Az = b, Gz ≤ h} ½‖z − x‖², as the QP with
 * Q = I and c = −x solved by {@link InteriorPointQp}. Parameters θ = (A, b, G, h); A may have 0 rows.
 * Differentiable in x and in every parameter by implicit differentiation of the QP's KKT conditions (so
 * the Jacobian is that of the projection onto the active face); at a weakly active constraint (the point
 * x lies exactly where a constraint starts to bind) it raises SingularMatrixException, as the QP does.
 * Infeasible constraints raise IllegalArgumentException.
 *
 * <pre>{@code
 * Projection triangle = new PolyhedronProjection();
 * Tensor G = Tensor.of(new double[][] {{-1, 0}, {0, -1}, {1, 1}}), h = Tensor.of(0, 0, 1);
 * Tensor p = triangle.apply(Tensor.of(2, 0.5), Tensor.zeros(0, 2), Tensor.zeros(0), G, h);   // [1, 0]
 * }</pre>
 * It lives in the solver package (not {@code projection}) because it is built on a solver.
 */
public final class PolyhedronProjection implements Projection {
  private final InteriorPointQp qp;

  /** With the QP solver's defaults (tolerance 1e-10). */
  public PolyhedronProjection() {
    this(InteriorPointQp.of());
  }

  /** With a configured QP solver (tolerances, differentiation mode). */
  public PolyhedronProjection(InteriorPointQp qp) {
    this.qp = qp;
  }

  @Override
  public Tensor apply(Tensor x, Tensor... params) {
    if (params.length != 4)
      throw new IllegalArgumentException("PolyhedronProjection: expected θ = (A, b, G, h), got " + params.length + " tensors");
    if (x.ndim() != 1)
      throw new ShapeException("PolyhedronProjection: x must be a vector, got shape " + x.shapeString());
    int n = x.dim(0);
    return qp.run(Tensor.eye(n), x.neg(), params[0], params[1], params[2], params[3]).orThrow().primal();
  }
}
