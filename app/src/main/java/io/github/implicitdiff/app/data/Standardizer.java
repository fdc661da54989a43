package io.github.implicitdiff.app.data;

import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Feature standardization fitted on training data: x' = (x − mean) / std per column, with the population
 * standard deviation of the training rows. A constant column (std ≤ 1e-12·(1 + |mean|)) is only
 * centred (divided by 1), so no division by zero occurs; {@link #constantColumns()} names them.
 * <pre>{@code
 * Standardizer s = Standardizer.fit(train);
 * CsvData trainStd = s.apply(train), validStd = s.apply(valid);
 * out.note(s.describe());   // experiments say in their output that they standardized
 * }</pre>
 *
 * @param featureNames the column names, for {@link #describe()}
 * @param mean the training mean per column
 * @param scale the divisor per column: the training std, or 1 for a constant column
 * @param constant true for columns that were constant on the training data
 */
public record Standardizer(List<String> featureNames, double[] mean, double[] scale, boolean[] constant) {

  /** Copies the arrays. */
  public Standardizer {
    featureNames = List.copyOf(featureNames);
    mean = mean.clone();
    scale = scale.clone();
    constant = constant.clone();
  }

  /** Fits the mean and std of each feature of {@code train}. */
  public static Standardizer fit(CsvData train) {
    return fit(train.X(), train.featureNames());
  }

  /** Fits the mean and std of each column of X (n×d, n ≥ 1). */
  public static Standardizer fit(Tensor X, List<String> featureNames) {
    if (X.ndim() != 2 || X.dim(0) < 1 || X.dim(1) != featureNames.size()) {
      throw new IllegalArgumentException("Standardizer.fit: X must be n×d with n ≥ 1 and d = "
          + featureNames.size() + " names, got " + X.shapeString());
    }
    int n = X.dim(0);
    int d = X.dim(1);
    double[] x = X.toDoubleArray();
    double[] mean = new double[d];
    double[] scale = new double[d];
    boolean[] constant = new boolean[d];
    for (int j = 0; j < d; j++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += x[i * d + j];
      }
      mean[j] = sum / n;
      double squares = 0;
      for (int i = 0; i < n; i++) {
        double centred = x[i * d + j] - mean[j];
        squares += centred * centred;
      }
      double std = Math.sqrt(squares / n);
      constant[j] = std <= 1e-12 * (1 + Math.abs(mean[j]));
      scale[j] = constant[j] ? 1.0 : std;
    }
    return new Standardizer(featureNames, mean, scale, constant);
  }

  /** (X − mean) / scale, column by column. */
  public Tensor apply(Tensor X) {
    if (X.ndim() != 2 || X.dim(1) != mean.length) {
      throw new IllegalArgumentException("Standardizer.apply: X must have " + mean.length + " columns, got "
          + X.shapeString());
    }
    return X.sub(Tensor.of(mean)).div(Tensor.of(scale));
  }

  /** The same table with standardized features; the target is unchanged. */
  public CsvData apply(CsvData data) {
    return data.withX(apply(data.X()));
  }

  /** Names of the columns that were constant on the training data. */
  public List<String> constantColumns() {
    List<String> names = new ArrayList<>();
    for (int j = 0; j < constant.length; j++) {
      if (constant[j]) {
        names.add(featureNames.get(j));
      }
    }
    return names;
  }

  /** One line for the experiment's output, such as "standardized 10 features (training mean and std)". */
  public String describe() {
    List<String> constants = constantColumns();
    return "standardized " + mean.length + " features with the training mean and std"
        + (constants.isEmpty() ? "" : "; constant columns only centred: " + String.join(", ", constants));
  }
}
