package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.report.Table;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Meta-test of one initialization θ on held-out tasks: per task the query MSE L(θ; query) without adaptation,
 * the adapted φ*(θ) of {@link ProximalAdaptation}, and its query and support MSEs.
 *
 * @param before L(θ; query) per task
 * @param after L(φ*(θ); query) per task
 * @param support L(φ*(θ); support) per task
 * @param adapted φ*(θ) per task (concrete)
 */
record Evaluation(double[] before, double[] after, double[] support, List<Tensor> adapted) {
  static Evaluation of(SineMlp mlp, ProximalAdaptation adaptation, Tensor theta, List<SineTask> tasks) {
    int n = tasks.size();
    double[] before = new double[n], after = new double[n], support = new double[n];
    List<Tensor> adapted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      SineTask task = tasks.get(i);
      Tensor phi = adaptation.adapt(task, theta).concrete();
      adapted.add(phi);
      before[i] = mlp.mse(theta, task.xQuery(), task.yQuery()).item();
      after[i] = mlp.mse(phi, task.xQuery(), task.yQuery()).item();
      support[i] = mlp.mse(phi, task.xSupport(), task.ySupport()).item();
    }
    return new Evaluation(before, after, support, adapted);
  }

  double meanBefore() {
    return mean(before);
  }

  double meanAfter() {
    return mean(after);
  }

  /** The standard error of {@link #meanAfter()}: sample standard deviation / √n (0 for one task). */
  double standardErrorAfter() {
    int n = after.length;
    if (n < 2) return 0;
    double m = meanAfter(), ss = 0;
    for (double a : after) ss += (a - m) * (a - m);
    return Math.sqrt(ss / (n - 1) / n);
  }

  /** A row: label, mean query MSE before and after adaptation, its standard error, mean support MSE after. */
  void addRow(Table table, String label) {
    table.row(label, meanBefore(), meanAfter(), standardErrorAfter(), mean(support));
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElseThrow();
  }
}
