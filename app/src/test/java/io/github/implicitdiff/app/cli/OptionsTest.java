package io.github.implicitdiff.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
  static final List<OptionSpec> SPECS = List.of(
      OptionSpec.value("lambda", "L", "ridge strength"),
      OptionSpec.value("iterations", "N", "iterations"),
      OptionSpec.value("theta", "T1,T2", "parameters"),
      OptionSpec.value("data", "FILE", "data"),
      OptionSpec.flag("quick", "small run"));

  static String usageMessage(String... args) {
    return assertThrows(UsageException.class, () -> Options.parse(SPECS, args)).getMessage();
  }

  static String getterMessage(org.junit.jupiter.api.function.Executable getter) {
    return assertThrows(UsageException.class, getter).getMessage();
  }

  @Test
  void parsesValuesFlagsAndTypes() {
    Options o = Options.parse(SPECS, "--lambda", "0.5", "--iterations=20", "--theta", "0.5,-1,2", "--quick",
        "--data", "rel/train.csv");
    assertEquals(0.5, o.getPositiveDouble("lambda", 1), 0);
    assertEquals(20, o.getInt("iterations", 5));
    assertArrayEquals(new double[] {0.5, -1, 2}, o.getDoubleList("theta"), 0);
    assertTrue(o.has("quick"));
    assertEquals(Path.of("rel/train.csv"), o.requirePath("data"));
  }

  @Test
  void defaultsApplyWhenAbsent() {
    Options o = Options.parse(SPECS);
    assertEquals(1.0, o.getDouble("lambda", 1.0), 0);
    assertEquals(7, o.getIntInRange("iterations", 7, 1, 10));
    assertArrayEquals(new double[] {3, 4}, o.getDoubleList("theta", 3, 4), 0);
    assertFalse(o.has("quick"));
    assertTrue(o.getPath("data").isEmpty());
  }

  @Test
  void negativeNumberIsAValueNotAnOption() {
    Options o = Options.parse(SPECS, "--lambda", "-1", "--theta", "-1,2");
    assertEquals(-1, o.getDouble("lambda", 0), 0);
    assertArrayEquals(new double[] {-1, 2}, o.requireDoubleList("theta"), 0);
  }

  @Test
  void unknownOptionIsRejectedWithSuggestionAndAcceptedList() {
    String m = usageMessage("--lamda", "1");
    assertTrue(m.startsWith("unknown option --lamda"), m);
    assertTrue(m.contains("did you mean --lambda?"), m);
    assertTrue(m.contains("--quick"), m);
  }

  @Test
  void missingValueAtEndIsRejected() {
    assertEquals("--lambda needs a value (--lambda L)", usageMessage("--lambda"));
  }

  @Test
  void missingValueBeforeAnotherOptionIsRejected() {
    assertEquals("--lambda needs a value (--lambda L)", usageMessage("--lambda", "--quick"));
  }

  @Test
  void flagWithValueIsRejected() {
    assertTrue(usageMessage("--quick=yes").contains("--quick is a flag"));
  }

  @Test
  void repeatedOptionIsRejected() {
    assertEquals("option --lambda given twice", usageMessage("--lambda", "1", "--lambda", "2"));
  }

  @Test
  void strayArgumentIsRejected() {
    assertTrue(usageMessage("foo").startsWith("unexpected argument 'foo'"));
  }

  @Test
  void nonNumericValueIsRejected() {
    Options o = Options.parse(SPECS, "--lambda", "abc");
    assertEquals("--lambda must be a number, got 'abc'", getterMessage(() -> o.getDouble("lambda", 1)));
  }

  @Test
  void nonFiniteValueIsRejected() {
    Options o = Options.parse(SPECS, "--lambda", "NaN");
    assertEquals("--lambda must be a finite number, got 'NaN'", getterMessage(() -> o.getDouble("lambda", 1)));
  }

  @Test
  void nonPositiveValueIsRejected() {
    Options o = Options.parse(SPECS, "--lambda", "-1");
    assertEquals("--lambda must be > 0, got -1", getterMessage(() -> o.getPositiveDouble("lambda", 1)));
  }

  @Test
  void outOfRangeDoubleIsRejected() {
    Options o = Options.parse(SPECS, "--lambda", "1.5");
    assertEquals("--lambda must be in [0, 1], got 1.5", getterMessage(() -> o.getDoubleInRange("lambda", 0.5, 0, 1)));
  }

  @Test
  void nonIntegerIsRejected() {
    Options o = Options.parse(SPECS, "--iterations", "2.5");
    assertEquals("--iterations must be an integer, got '2.5'", getterMessage(() -> o.getInt("iterations", 1)));
  }

  @Test
  void outOfRangeIntIsRejected() {
    Options o = Options.parse(SPECS, "--iterations", "0");
    assertEquals("--iterations must be > 0, got 0", getterMessage(() -> o.getPositiveInt("iterations", 1)));
    assertEquals("--iterations must be in [1, 10], got 0", getterMessage(() -> o.getIntInRange("iterations", 1, 1, 10)));
  }

  @Test
  void malformedListNamesTheBadElement() {
    Options o = Options.parse(SPECS, "--theta", "0.5,x,2");
    String m = getterMessage(() -> o.getDoubleList("theta"));
    assertTrue(m.contains("element 2 'x' is not a number"), m);
  }

  @Test
  void missingRequiredOptionIsRejected() {
    Options o = Options.parse(SPECS);
    assertEquals("missing required option --lambda L", getterMessage(() -> o.requireDouble("lambda")));
  }

  @Test
  void readingAnUndeclaredOptionIsAProgrammingError() {
    Options o = Options.parse(SPECS);
    assertThrows(IllegalStateException.class, () -> o.has("verbose"));
  }
}
