package io.github.implicitdiff.app.data;

import io.github.implicitdiff.app.cli.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The small real datasets shipped in the jar (resources/datasets, licences in its README.md):
 * diabetes (442×10, regression), breast_cancer (569×30, binary), iris (150×4, 3 classes),
 * wine (178×13, 3 classes), digits (1797×64, 10 classes). Features are raw except diabetes
 * (already centred and scaled): standardize with {@link Standardizer} and say so.
 * <pre>{@code
 * CsvData d = Datasets.load("diabetes");          // X 442×10, y 442
 * CsvData e = Datasets.resolve("my/data.csv");    // a shipped name or a file path
 * }</pre>
 */
public final class Datasets {
  /** Names of the shipped datasets. */
  public static final List<String> NAMES = List.of("diabetes", "breast_cancer", "iris", "wine", "digits");

  private Datasets() {}

  /**
   * Loads a shipped dataset by name.
   * @throws UsageException for an unknown name, listing the shipped ones
   */
  public static CsvData load(String name) {
    if (!NAMES.contains(name)) {
      throw new UsageException("unknown dataset '" + name + "' (shipped: " + String.join(", ", NAMES)
          + "; or give a path to a .csv file)");
    }
    String resource = "/datasets/" + name + ".csv";
    try (InputStream in = Datasets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Datasets.load: resource " + resource + " missing from the jar; rebuild");
      }
      return CsvData.parse(name + ".csv", new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Datasets.load: reading " + resource, e);
    }
  }

  /** A shipped dataset if {@code nameOrPath} is one of {@link #NAMES}, otherwise the CSV file at that path. */
  public static CsvData resolve(String nameOrPath) {
    return NAMES.contains(nameOrPath) ? load(nameOrPath) : CsvData.read(Path.of(nameOrPath));
  }
}
