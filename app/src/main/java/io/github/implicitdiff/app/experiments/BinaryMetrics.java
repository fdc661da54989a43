package io.github.implicitdiff.app.experiments;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Test metrics of a binary classifier from its scores s_i (logits: predicted class 1 when s_i &gt; 0) and
 * 0/1 labels y_i, with P = {i : y_i = 1}, N = {i : y_i = 0}:
 * <pre>
 *   accuracy = (1/n) Σ_i [ [s_i &gt; 0] = y_i ]
 *   AUC      = (1 / |P||N|) Σ_{p∈P} Σ_{q∈N} ( [s_p &gt; s_q] + ½ [s_p = s_q] )          (Mann–Whitney U / |P||N|)
 *            = (R_P − |P|(|P| + 1)/2) / (|P||N|),  R_P the sum of the positives' ranks, tied scores given their mean rank
 * </pre>
 * the area under the ROC curve, the probability that a random positive scores above a random negative
 * (ties counting half). Computed by the rank form, O(n log n).
 */
final class BinaryMetrics {
  private BinaryMetrics() {}

  /** The fraction of samples with [s_i &gt; 0] = y_i. */
  static double accuracy(double[] scores, double[] labels) {
    check(scores, labels);
    int ok = 0;
    for (int i = 0; i < scores.length; i++) if ((scores[i] > 0 ? 1 : 0) == labels[i]) ok++;
    return ok / (double) scores.length;
  }

  /**
   * The AUC of the scores.
   * @throws IllegalArgumentException if a score is NaN, a label is not 0 or 1, or one class is absent
   */
  static double auc(double[] scores, double[] labels) {
    check(scores, labels);
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double rankSumPositives = 0;
    long positives = 0;
    for (int start = 0; start < n; ) {
      int end = start; // [start, end) hold one tied score; their ranks start+1 … end average to (start + 1 + end) / 2
      while (end < n && scores[order[end]] == scores[order[start]]) end++;
      double meanRank = (start + 1 + end) / 2.0;
      for (int r = start; r < end; r++) if (labels[order[r]] == 1) {
        rankSumPositives += meanRank;
        positives++;
      }
      start = end;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0)
      throw new IllegalArgumentException("BinaryMetrics.auc: needs both classes, got " + positives + " positives and "
          + negatives + " negatives");
    return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  private static void check(double[] scores, double[] labels) {
    if (scores.length != labels.length || scores.length == 0)
      throw new IllegalArgumentException("BinaryMetrics: " + scores.length + " scores for " + labels.length + " labels");
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) throw new IllegalArgumentException("BinaryMetrics: score " + i + " is NaN");
      if (labels[i] != 0 && labels[i] != 1)
        throw new IllegalArgumentException("BinaryMetrics: label " + i + " is " + labels[i] + ", not 0 or 1");
    }
  }
}
