package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.Output;
import io.github.implicitdiff.app.data.CsvData;
import io.github.implicitdiff.app.data.Datasets;
import io.github.implicitdiff.app.data.Standardizer;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * The shipped digits images (1797×64, 10 classes) as the experiments use them: split 50/50 with seed 0,
 * standardized with the training half's mean and std; plus the integer labels and the accuracy of a
 * linear classifier, shared by the digits experiments.
 *
 * @param train the standardized training half (899 samples)
 * @param validation the standardized other half (898 samples)
 * @param standardizer the training half's standardization, to map images back to pixel values
 */
record Digits(CsvData train, CsvData validation, Standardizer standardizer) {
  /** Number of classes. */
  static final int CLASSES = 10;

  /** Loads, splits and standardizes the digits, noting both in {@code output}. */
  static Digits load(Output output) {
    CsvData.Split split = Datasets.load("digits").split(0.5, new Random(0));
    Standardizer s = Standardizer.fit(split.train());
    output.note(s.describe());
    return new Digits(s.apply(split.train()), s.apply(split.validation()), s);
  }

  /** The labels of a table whose target holds whole numbers. */
  static int[] labels(Tensor y) {
    double[] v = y.toDoubleArray();
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) r[i] = (int) v[i];
    return r;
  }

  /** The fraction of rows of X whose largest score in XW is at their label. */
  static double accuracy(Tensor W, Tensor X, int[] y) {
    int[] pred = X.matmul(W).argmax(1);
    int ok = 0;
    for (int i = 0; i < y.length; i++) if (pred[i] == y[i]) ok++;
    return ok / (double) y.length;
  }
}
