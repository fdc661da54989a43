package io.github.implicitdiff.app.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The contact network of a packing ({@link SoftSpheres}) at concrete positions, computed pair by pair in plain
 * arithmetic (no autodiff): the pairs with overlap 1 − r_ij/σ_ij above a threshold, the rattlers, and the
 * closed-form partial derivative of the energy in the small diameter at fixed positions,
 * <pre>
 *   ∂E/∂d = Σ_{i&lt;j, r&lt;σ} ε (1 − r_ij/σ_ij)^{α−1} (r_ij/σ_ij²) ∂σ_ij/∂d,   ∂σ_ij/∂d = (s_i + s_j)/2,   (1)
 * </pre>
 * which by the envelope theorem is dE*&#47;dd at a minimum (∇ₓE = 0 there).
 *
 * <p>Rattlers: in 2-D a disk held by fewer than 3 contacts cannot be in stable equilibrium (its forces cannot
 * span the plane), so it sits in its cage with zero force and each such disk adds two zero modes to ∇²ₓE.
 * They are found by repeatedly removing disks with fewer than 3 contacts among the disks not yet removed (a
 * removal can leave a neighbour under-coordinated). The rest is the backbone.
 *
 * @param pairs the contacts as {i, j} with i &lt; j, in row order
 * @param rattlers whether each disk is a rattler
 * @param energyDerivative ∂E/∂d of (1), summed over all overlapping pairs (any overlap, not only above the threshold)
 */
record Contacts(List<int[]> pairs, boolean[] rattlers, double energyDerivative) {
  /** Pairs whose overlap 1 − r/σ is at most this are not counted as contacts. */
  static final double OVERLAP_THRESHOLD = 1e-9;

  /** The contacts of positions {@code x} (row-major N×2) at small diameter {@code d}. */
  static Contacts of(SoftSpheres system, double[] x, double d) {
    int n = system.n();
    List<int[]> pairs = new ArrayList<>();
    double dEdd = 0;
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) {
        double[] delta = system.displacement(x, i, j);
        double r = Math.hypot(delta[0], delta[1]);
        double sigma = (diameter(system, i, d) + diameter(system, j, d)) / 2;
        double overlap = 1 - r / sigma;
        if (overlap <= 0) continue;
        double dSigma = ((system.small(i) ? 1 : 0) + (system.small(j) ? 1 : 0)) / 2.0;
        dEdd += SoftSpheres.EPSILON * Math.pow(overlap, SoftSpheres.ALPHA - 1) * r / (sigma * sigma) * dSigma;
        if (overlap > OVERLAP_THRESHOLD) pairs.add(new int[] {i, j});
      }
    return new Contacts(List.copyOf(pairs), rattlers(n, pairs), dEdd);
  }

  private static double diameter(SoftSpheres system, int i, double d) {
    return system.small(i) ? d : system.large();
  }

  private static boolean[] rattlers(int n, List<int[]> pairs) {
    boolean[] removed = new boolean[n];
    for (boolean changed = true; changed; ) {
      changed = false;
      int[] degree = new int[n];
      for (int[] p : pairs)
        if (!removed[p[0]] && !removed[p[1]]) {
          degree[p[0]]++;
          degree[p[1]]++;
        }
      for (int i = 0; i < n; i++)
        if (!removed[i] && degree[i] < 3) {
          removed[i] = true;
          changed = true;
        }
    }
    return removed;
  }

  /** The number of contacts. */
  int count() {
    return pairs.size();
  }

  /** The number of rattlers. */
  int rattlerCount() {
    int c = 0;
    for (boolean r : rattlers) if (r) c++;
    return c;
  }

  /** The indices of the backbone (non-rattler) disks, ascending. */
  int[] backbone() {
    return indices(false);
  }

  /** The indices of the rattlers, ascending. */
  int[] rattlerIndices() {
    return indices(true);
  }

  private int[] indices(boolean rattler) {
    return java.util.stream.IntStream.range(0, rattlers.length).filter(i -> rattlers[i] == rattler).toArray();
  }

  /** All contacts as "i-j" strings, sorted (for comparing networks). */
  Set<String> network() {
    Set<String> set = new TreeSet<>();
    for (int[] p : pairs) set.add(p[0] + "-" + p[1]);
    return set;
  }

  /** Whether {@code other} has exactly the same contacts. */
  boolean sameNetwork(Contacts other) {
    return network().equals(other.network());
  }

  /** The contacts per backbone disk, Z = 2·(backbone contacts)/(backbone disks). */
  double meanCoordination() {
    int[] bb = backbone();
    if (bb.length == 0) return 0;
    long inside = pairs.stream().filter(p -> !rattlers[p[0]] && !rattlers[p[1]]).count();
    return 2.0 * inside / bb.length;
  }

  @Override
  public String toString() {
    return count() + " contacts, " + rattlerCount() + " rattlers " + Arrays.toString(rattlerIndices());
  }
}
