package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.data.CsvData;
import io.github.implicitdiff.app.data.Datasets;
import io.github.implicitdiff.app.data.Standardizer;
import java.util.Random;

/**
 * A shipped dataset split at random into training (half), validation (a quarter) and test (a quarter) parts,
 * features standardized with the training part's mean and std, for the hyperparameter experiments: the
 * inner problem is fitted on the training part, the hyperparameter on the validation part, and the test
 * part is only reported.
 *
 * @param train the standardized training part
 * @param validation the standardized validation part
 * @param test the standardized test part
 * @param standardizer the training part's standardization
 */
record ThreeWaySplit(CsvData train, CsvData validation, CsvData test, Standardizer standardizer) {
  /** Loads {@code dataset}, splits it 50/25/25 with {@code seed} and standardizes it. */
  static ThreeWaySplit load(String dataset, long seed) {
    Random rng = new Random(seed);
    CsvData.Split first = Datasets.load(dataset).split(0.5, rng);
    CsvData.Split second = first.validation().split(0.5, rng);
    Standardizer s = Standardizer.fit(first.train());
    return new ThreeWaySplit(s.apply(first.train()), s.apply(second.train()), s.apply(second.validation()), s);
  }

  /** One line for the experiment's output. */
  String describe(String dataset, long seed) {
    return dataset + " split 50/25/25 with seed " + seed + ": " + train.numSamples() + " training, "
        + validation.numSamples() + " validation and " + test.numSamples() + " test samples; " + standardizer.describe();
  }
}
