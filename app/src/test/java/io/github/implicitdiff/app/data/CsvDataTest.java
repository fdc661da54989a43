package io.github.implicitdiff.app.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.app.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDataTest {
  @TempDir
  Path dir;

  Path file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  String failure(Path f) {
    return assertThrows(CsvException.class, () -> CsvData.read(f)).getMessage();
  }

  @Test
  void readsFeaturesTargetAndNames() throws IOException {
    CsvData d = CsvData.read(file("ok.csv", "a,b,y\r\n1,2,3\n\n4,5.5,-6\n"));
    assertEquals(List.of("a", "b"), d.featureNames());
    assertEquals("y", d.targetName());
    assertArrayEquals(new int[] {2, 2}, d.X().shape());
    assertArrayEquals(new double[] {1, 2, 4, 5.5}, d.X().toDoubleArray(), 0);
    assertArrayEquals(new double[] {3, -6}, d.y().toDoubleArray(), 0);
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.csv");
    assertEquals(f + ": file not found", failure(f));
  }

  @Test
  void emptyFile() throws IOException {
    Path f = file("empty.csv", "\n  \n");
    assertTrue(failure(f).startsWith(f + ": empty file"));
  }

  @Test
  void headerWithoutDataRows() throws IOException {
    Path f = file("header.csv", "a,b,y\n");
    assertEquals(f + " line 1: header but no data rows", failure(f));
  }

  @Test
  void raggedRowSaysExpectedAndFound() throws IOException {
    Path f = file("ragged.csv", "a,b,y\n1,2,3\n4,5\n");
    assertEquals(f + " line 3: expected 3 columns (as in the header), found 2", failure(f));
  }

  @Test
  void nonNumericCellIsQuotedWithItsColumn() throws IOException {
    Path f = file("text.csv", "a,b,y\n1,2,3\n4,five,6\n");
    assertEquals(f + " line 3, column 'b' (2): 'five' is not a number", failure(f));
  }

  @Test
  void nanCell() throws IOException {
    Path f = file("nan.csv", "a,b,y\n1,NaN,3\n");
    String m = failure(f);
    assertTrue(m.startsWith(f + " line 2, column 'b' (2): 'NaN' is not finite"), m);
  }

  @Test
  void infiniteCell() throws IOException {
    Path f = file("inf.csv", "a,b,y\n1,2,-Infinity\n");
    String m = failure(f);
    assertTrue(m.startsWith(f + " line 2, column 'y' (3): '-Infinity' is not finite"), m);
  }

  @Test
  void emptyCell() throws IOException {
    Path f = file("hole.csv", "a,b,y\n1,,3\n");
    assertTrue(failure(f).startsWith(f + " line 2, column 'b' (2): empty cell"));
  }

  @Test
  void duplicateHeaderName() throws IOException {
    Path f = file("dup.csv", "a,a,y\n1,2,3\n");
    assertEquals(f + " line 1: header names column 'a' twice", failure(f));
  }

  @Test
  void validationColumnsMustMatchByName() throws IOException {
    CsvData train = CsvData.read(file("train.csv", "a,b,y\n1,2,3\n"));
    Path v = file("valid.csv", "a,c,y\n1,2,3\n");
    CsvData valid = CsvData.read(v);
    String m = assertThrows(CsvException.class, () -> valid.requireSameColumns(train)).getMessage();
    assertTrue(m.startsWith(v + ": column 2 is 'c' but in " + dir.resolve("train.csv") + " it is 'b'"), m);
  }

  @Test
  void validationColumnsMustMatchInCount() throws IOException {
    CsvData train = CsvData.read(file("train.csv", "a,b,y\n1,2,3\n"));
    Path v = file("valid.csv", "a,y\n1,3\n");
    CsvData valid = CsvData.read(v);
    String m = assertThrows(CsvException.class, () -> valid.requireSameColumns(train)).getMessage();
    assertTrue(m.startsWith(v + ": has 2 columns but " + dir.resolve("train.csv") + " has 3"), m);
  }

  @Test
  void standardizeUsesTrainingStatisticsAndLeavesConstantColumnsCentred() throws IOException {
    CsvData train = CsvData.read(file("train.csv", "a,k,y\n1,5,0\n3,5,0\n5,5,0\n"));
    CsvData valid = CsvData.read(file("valid.csv", "a,k,y\n7,6,1\n"));
    Standardizer s = Standardizer.fit(train);
    double std = Math.sqrt(8.0 / 3);
    assertArrayEquals(new double[] {-2 / std, 0, 0, 0, 2 / std, 0}, s.apply(train).X().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {4 / std, 1}, s.apply(valid).X().toDoubleArray(), 1e-15);
    assertEquals(List.of("k"), s.constantColumns());
    assertTrue(s.describe().contains("standardized 2 features") && s.describe().contains("k"), s.describe());
  }

  @Test
  void shippedDatasetsLoadWithTheirDocumentedShapes() {
    int[][] shapes = {{442, 10}, {569, 30}, {150, 4}, {178, 13}, {1797, 64}};
    for (int k = 0; k < Datasets.NAMES.size(); k++) {
      CsvData d = Datasets.load(Datasets.NAMES.get(k));
      assertArrayEquals(shapes[k], d.X().shape(), Datasets.NAMES.get(k));
    }
  }

  @Test
  void unknownDatasetNamesTheShippedOnes() {
    String m = assertThrows(UsageException.class, () -> Datasets.load("diabetis")).getMessage();
    assertTrue(m.contains("'diabetis'") && m.contains("diabetes"), m);
  }

  @Test
  void splitPartitionsTheSamples() {
    CsvData d = Datasets.load("iris");
    CsvData.Split s = d.split(0.6, new java.util.Random(3));
    assertEquals(90, s.train().numSamples());
    assertEquals(60, s.validation().numSamples());
    double total = d.X().sum().item();
    assertEquals(total, s.train().X().sum().item() + s.validation().X().sum().item(), 1e-9);
  }
}
