package io.github.implicitdiff.app.data;

import io.github.implicitdiff.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * A numeric table read from CSV: a header row, one sample per line, every cell a finite number, the last
 * column the target. X is n×d, y has n entries.
 * <pre>{@code
 * CsvData train = CsvData.read(Path.of("train.csv"));
 * CsvData valid = CsvData.read(Path.of("valid.csv")).requireSameColumns(train);
 * Tensor X = train.X();              // n × d
 * Tensor y = train.y();              // n
 * }</pre>
 * Lines that are blank are skipped; cells are trimmed; header names may be wrapped in double quotes.
 * Quoted cells inside data rows are not supported (they are reported as non-numeric).
 *
 * @param source the file name or resource used in messages
 * @param featureNames the names of the d feature columns
 * @param targetName the name of the last column
 * @param X the features, n×d
 * @param y the target, a vector of n entries
 */
public record CsvData(String source, List<String> featureNames, String targetName, Tensor X, Tensor y) {

  /** Checks that the shapes agree with the names. */
  public CsvData {
    Objects.requireNonNull(source, "source");
    featureNames = List.copyOf(featureNames);
    Objects.requireNonNull(targetName, "targetName");
    if (X.ndim() != 2 || y.ndim() != 1 || X.dim(0) != y.dim(0) || X.dim(1) != featureNames.size()) {
      throw new IllegalArgumentException("CsvData(" + source + "): X " + X.shapeString() + " and y "
          + y.shapeString() + " do not match " + featureNames.size() + " feature names");
    }
  }

  /**
   * Reads a CSV file.
   * @throws CsvException naming the file, line and problem if the file is missing, empty, ragged,
   *     has a non-numeric, NaN or infinite cell, or has no data rows
   */
  public static CsvData read(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(file.toString(), reader);
    } catch (NoSuchFileException e) {
      throw new CsvException(file + ": file not found");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new CsvException(file + ": not a UTF-8 text file");
    } catch (IOException e) {
      throw new CsvException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /**
   * Parses CSV text; {@code source} names it in messages.
   * @throws CsvException as {@link #read}
   */
  public static CsvData parse(String source, Reader text) throws IOException {
    BufferedReader lines = text instanceof BufferedReader b ? b : new BufferedReader(text);
    String headerLine = null;
    int lineNumber = 0;
    String line;
    while ((line = lines.readLine()) != null) {
      lineNumber++;
      if (lineNumber == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (!line.isBlank()) {
        headerLine = line;
        break;
      }
    }
    if (headerLine == null) {
      throw new CsvException(source + ": empty file (expected a header row, then one sample per line)");
    }
    int headerLineNumber = lineNumber;
    List<String> names = parseHeader(source, headerLineNumber, headerLine);
    int columns = names.size();
    List<double[]> rows = new ArrayList<>();
    while ((line = lines.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length != columns) {
        throw new CsvException(source + " line " + lineNumber + ": expected " + columns
            + " columns (as in the header), found " + cells.length);
      }
      double[] row = new double[columns];
      for (int j = 0; j < columns; j++) {
        row[j] = parseCell(source, lineNumber, names.get(j), j, cells[j]);
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new CsvException(source + " line " + headerLineNumber + ": header but no data rows");
    }
    int n = rows.size();
    int d = columns - 1;
    double[] x = new double[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double[] row = rows.get(i);
      System.arraycopy(row, 0, x, i * d, d);
      y[i] = row[d];
    }
    return new CsvData(source, names.subList(0, d), names.get(d), Tensor.fromArray(x, n, d), Tensor.of(y));
  }

  /** Number of samples n. */
  public int numSamples() {
    return y.dim(0);
  }

  /** Number of features d. */
  public int numFeatures() {
    return X.dim(1);
  }

  /** All column names: the features, then the target. */
  public List<String> columnNames() {
    List<String> all = new ArrayList<>(featureNames);
    all.add(targetName);
    return List.copyOf(all);
  }

  /** The same table with features replaced (same shape), such as standardized ones. */
  public CsvData withX(Tensor newX) {
    if (newX.ndim() != 2 || newX.dim(0) != X.dim(0) || newX.dim(1) != X.dim(1)) {
      throw new IllegalArgumentException("CsvData.withX(" + source + "): X must stay " + X.shapeString()
          + ", got " + newX.shapeString());
    }
    return new CsvData(source, featureNames, targetName, newX, y);
  }

  /** The samples at {@code rows}, in that order. */
  public CsvData rows(int[] rows) {
    return new CsvData(source, featureNames, targetName, X.take(rows, 0), y.take(rows, 0));
  }

  /**
   * Checks that {@code reference} (for example the training file) has the same column names in the same
   * order. @return this @throws CsvException naming both files and the first difference
   */
  public CsvData requireSameColumns(CsvData reference) {
    List<String> mine = columnNames();
    List<String> theirs = reference.columnNames();
    if (mine.size() != theirs.size()) {
      throw new CsvException(source + ": has " + mine.size() + " columns but " + reference.source + " has "
          + theirs.size() + "; both files need the same header");
    }
    for (int j = 0; j < mine.size(); j++) {
      if (!mine.get(j).equals(theirs.get(j))) {
        throw new CsvException(source + ": column " + (j + 1) + " is '" + mine.get(j) + "' but in "
            + reference.source + " it is '" + theirs.get(j) + "'; both files need the same header");
      }
    }
    return this;
  }

  /**
   * Splits the samples at random into a training part holding {@code trainFraction} of them and a
   * validation part holding the rest (each at least one sample).
   * <pre>{@code
   * Split s = Datasets.load("diabetes").split(0.5, new Random(0));
   * }</pre>
   */
  public Split split(double trainFraction, Random rng) {
    int n = numSamples();
    if (n < 2 || !(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException("CsvData.split(" + source + "): need 0 < trainFraction < 1 and at least"
          + " 2 samples, got fraction " + trainFraction + " and " + n + " samples");
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int nTrain = Math.min(n - 1, Math.max(1, (int) Math.round(trainFraction * n)));
    return new Split(rows(java.util.Arrays.copyOfRange(order, 0, nTrain)),
        rows(java.util.Arrays.copyOfRange(order, nTrain, n)));
  }

  /** A training / validation pair. */
  public record Split(CsvData train, CsvData validation) {}

  private static List<String> parseHeader(String source, int lineNumber, String line) {
    String[] cells = line.split(",", -1);
    if (cells.length < 2) {
      throw new CsvException(source + " line " + lineNumber + ": header has " + cells.length
          + " column; need at least one feature column and the target column");
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int j = 0; j < cells.length; j++) {
      String name = cells[j].trim();
      if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
        name = name.substring(1, name.length() - 1).trim();
      }
      if (name.isEmpty()) {
        throw new CsvException(source + " line " + lineNumber + ": header column " + (j + 1) + " has no name");
      }
      if (!seen.add(name)) {
        throw new CsvException(source + " line " + lineNumber + ": header names column '" + name + "' twice");
      }
      names.add(name);
    }
    return names;
  }

  private static double parseCell(String source, int lineNumber, String column, int index, String cell) {
    String text = cell.trim();
    String where = source + " line " + lineNumber + ", column '" + column + "' (" + (index + 1) + "): ";
    if (text.isEmpty()) {
      throw new CsvException(where + "empty cell; fill in or remove missing values");
    }
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new CsvException(where + "'" + text + "' is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new CsvException(where + "'" + text + "' is not finite; remove or impute such values");
    }
    return value;
  }
}
