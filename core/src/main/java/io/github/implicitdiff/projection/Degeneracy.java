package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an input sits at a kink of a piecewise-smooth operator: the (flat, row-major) indices of the
 * coordinates or constraints within {@code tolerance} of a switching point (an element tied with the
 * simplex threshold τ, a box coordinate at a bound, a soft-threshold input with |x_i| = ηλ, a weakly
 * active constraint). At such a point the operator is not differentiable and the derivative the library
 * returns is one element of its generalized Jacobian, chosen by the convention documented on each
 * operator and solver.
 *
 * <pre>{@code
 * Degeneracy d = Projections.simplexDegeneracy(Tensor.of(0.5, 0.5, 0), Tensor.scalar(1));
 * d.isDegenerate();   // true: x_2 = 0 equals the threshold τ = 0 (d.indices() == [2], d.ties() == 1)
 * }</pre>
 *
 * @param indices flat indices of the coordinates (or constraints) at a switching point, increasing; copied
 * @param size number of coordinates (or constraints) inspected; 0 when nothing was inspected
 * @param tolerance the absolute tolerance used
 */
public record Degeneracy(List<Integer> indices, int size, double tolerance) {
  private static final Degeneracy NONE = new Degeneracy(List.of(), 0, 0);

  public Degeneracy {
    indices = List.copyOf(indices);
    if (size < indices.size())
      throw new IllegalArgumentException("Degeneracy: " + indices.size() + " indices for " + size + " inspected coordinates");
    if (!(tolerance >= 0)) throw new IllegalArgumentException("Degeneracy: tolerance must be non-negative, got " + tolerance);
  }

  /** Nothing inspected, nothing degenerate: what smooth problems (and solvers without a test) report. */
  public static Degeneracy none() {
    return NONE;
  }

  /** The indices where a 0/1 mask is nonzero. */
  public static Degeneracy fromMask(Tensor mask, double tolerance) {
    double[] m = mask.concrete().toDoubleArray();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < m.length; i++) if (m[i] != 0) at.add(i);
    return new Degeneracy(at, m.length, tolerance);
  }

  /** The number of coordinates at a switching point. */
  public int ties() {
    return indices.size();
  }

  /** True when at least one coordinate sits at a switching point. */
  public boolean isDegenerate() {
    return !indices.isEmpty();
  }

  /** A 0/1 mask of the degenerate coordinates, of length {@code size}. */
  public Tensor mask() {
    double[] m = new double[size];
    for (int i : indices) m[i] = 1;
    return Tensor.of(m);
  }
}
