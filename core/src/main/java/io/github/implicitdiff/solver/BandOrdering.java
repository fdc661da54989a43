package io.github.implicitdiff.solver;

import java.util.Arrays;

/**
 * A symmetric reordering of a sparse square matrix that gathers its nonzeros near the diagonal (reverse
 * Cuthill–McKee on the pattern of K + Kᵀ), so that an LU of P K Pᵀ with partial pivoting only fills a band.
 * The KKT and Newton matrices of structured QPs (differences, bounds, a few taps per constraint) have
 * bandwidth n − 1 in their natural block order (all variables, then all constraints) and a small one
 * after reordering; their dense LU then costs O(n b²) in the skipped-zero loops of {@link
 * io.github.implicitdiff.linalg.Lu} instead of O(n³). Dense matrices keep their order.
 */
final class BandOrdering {
  private BandOrdering() {}

  /**
   * The new order (row/column {@code order[i]} of K becomes row/column i), or null when reordering would
   * not at least halve the bandwidth (a dense matrix, or one already banded).
   */
  static int[] of(double[][] K) {
    int n = K.length;
    if (n < 8) return null;
    // the pattern of K + Kᵀ, read row by row: an edge i–j for every K_ij ≠ 0 (i ≠ j), each direction once
    int[] degree = new int[n];
    for (int i = 0; i < n; i++) {
      double[] row = K[i];
      for (int j = 0; j < n; j++) if (j != i && row[j] != 0 && (j > i || K[j][i] == 0)) { degree[i]++; degree[j]++; }
    }
    long edges = 0;
    for (int v : degree) edges += v;
    if (edges > (long) n * n / 4) return null; // more than a quarter of the entries: dense, no band to find
    int[][] adjacency = new int[n][];
    for (int i = 0; i < n; i++) adjacency[i] = new int[degree[i]];
    Arrays.fill(degree, 0);
    for (int i = 0; i < n; i++) {
      double[] row = K[i];
      for (int j = 0; j < n; j++)
        if (j != i && row[j] != 0 && (j > i || K[j][i] == 0)) {
          adjacency[i][degree[i]++] = j;
          adjacency[j][degree[j]++] = i;
        }
    }
    int before = bandwidth(adjacency, null);
    if (before < 4) return null;
    int[] order = new int[n];
    boolean[] seen = new boolean[n];
    int filled = 0;
    while (filled < n) {
      int start = -1; // an unvisited node of least degree starts each connected component
      for (int i = 0; i < n; i++) if (!seen[i] && (start < 0 || adjacency[i].length < adjacency[start].length)) start = i;
      seen[start] = true;
      order[filled++] = start;
      for (int head = filled - 1; head < filled; head++) { // breadth first, neighbours by increasing degree
        int from = filled;
        for (int j : adjacency[order[head]]) if (!seen[j]) { seen[j] = true; order[filled++] = j; }
        sortByDegree(order, from, filled, adjacency);
      }
    }
    for (int i = 0, j = n - 1; i < j; i++, j--) { int t = order[i]; order[i] = order[j]; order[j] = t; }
    int[] position = new int[n];
    for (int i = 0; i < n; i++) position[order[i]] = i;
    return 2 * bandwidth(adjacency, position) <= before ? order : null;
  }

  /** max |pos(i) − pos(j)| over the edges (pos the identity when null). */
  private static int bandwidth(int[][] adjacency, int[] position) {
    int b = 0;
    for (int i = 0; i < adjacency.length; i++)
      for (int j : adjacency[i]) b = Math.max(b, position == null ? Math.abs(i - j) : Math.abs(position[i] - position[j]));
    return b;
  }

  private static void sortByDegree(int[] order, int from, int to, int[][] adjacency) {
    for (int i = from + 1; i < to; i++) { // insertion sort: few neighbours
      int v = order[i], k = i - 1;
      while (k >= from && adjacency[order[k]].length > adjacency[v].length) { order[k + 1] = order[k]; k--; }
      order[k + 1] = v;
    }
  }

  /** P K Pᵀ: entry (i, j) is K[order[i]][order[j]]. */
  static double[][] permute(double[][] K, int[] order) {
    int n = K.length;
    double[][] P = new double[n][n];
    for (int i = 0; i < n; i++) {
      double[] row = K[order[i]], target = P[i];
      for (int j = 0; j < n; j++) target[j] = row[order[j]];
    }
    return P;
  }
}
