package io.github.implicitdiff.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void alignsNumbersRightAndTextLeft() {
    String text = new Table("name", "n", "value").significantDigits(3)
        .row("a", 1, 0.5)
        .row("long name", 12345, 1e-7)
        .row("c", 7, Double.NaN)
        .render();
    String expected = ""
        + "name           n     value\n"
        + "---------  -----  --------\n"
        + "a              1     0.500\n"
        + "long name  12345  1.00e-07\n"
        + "c              7       NaN\n";
    assertEquals(expected, text);
  }

  @Test
  void wrongCellCountIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").row(1));
  }
}
