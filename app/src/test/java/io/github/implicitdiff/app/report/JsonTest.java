package io.github.implicitdiff.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
  enum Mode { IMPLICIT }

  @Test
  @SuppressWarnings("unchecked")
  void writesValidJsonThatParsesBackToTheSameValues() {
    JsonObject inner = new JsonObject().put("ok", true).put("nothing", null);
    JsonObject o = new JsonObject()
        .put("int", 3)
        .put("long", 1L << 40)
        .put("double", -1.25e-7)
        .put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 λ")
        .put("mode", Mode.IMPLICIT)
        .put("vector", new double[] {1, -2.5, 3e300})
        .put("ints", new int[] {4, 5})
        .put("matrix", new double[][] {{1, 2}, {3, 4}})
        .put("tensor", Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, 3, 2))
        .put("scalar", Tensor.scalar(0.5))
        .put("list", List.of(1, "a", List.of(2.0)))
        .put("map", Map.of("k", 7))
        .put("empty", List.of())
        .put("inner", inner);
    Map<String, Object> back = (Map<String, Object>) MiniJsonParser.parse(Json.write(o));
    assertEquals(3.0, back.get("int"));
    assertEquals((double) (1L << 40), back.get("long"));
    assertEquals(-1.25e-7, back.get("double"));
    assertEquals("quote \" backslash \\ newline \n tab \t bell \u0007 λ", back.get("text"));
    assertEquals("IMPLICIT", back.get("mode"));
    assertEquals(List.of(1.0, -2.5, 3e300), back.get("vector"));
    assertEquals(List.of(4.0, 5.0), back.get("ints"));
    assertEquals(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0)), back.get("matrix"));
    assertEquals(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0), List.of(5.0, 6.0)), back.get("tensor"));
    assertEquals(0.5, back.get("scalar"));
    assertEquals(List.of(1.0, "a", List.of(2.0)), back.get("list"));
    assertEquals(Map.of("k", 7.0), back.get("map"));
    assertEquals(List.of(), back.get("empty"));
    Map<String, Object> innerBack = (Map<String, Object>) back.get("inner");
    assertEquals(true, innerBack.get("ok"));
    assertTrue(innerBack.containsKey("nothing") && innerBack.get("nothing") == null);
    assertEquals(List.copyOf(o.fields().keySet()), List.copyOf(back.keySet()), "key order kept");
  }

  @Test
  void nonFiniteNumberThrowsNamingItsPath() {
    JsonObject o = new JsonObject().put("grad", new double[] {1, Double.NaN});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(o));
    assertTrue(e.getMessage().contains("$.grad[1]"), e.getMessage());
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void infiniteTensorEntryThrowsNamingItsPath() {
    JsonObject o = new JsonObject().put("t", Tensor.of(new double[][] {{1, 2}, {3, Double.POSITIVE_INFINITY}}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(o));
    assertTrue(e.getMessage().contains("$.t[1][1]"), e.getMessage());
  }

  @Test
  @SuppressWarnings("unchecked")
  void nonFiniteAsNullRuleWritesNull() {
    JsonObject o = new JsonObject().put("v", new double[] {1, Double.NaN, Double.NEGATIVE_INFINITY});
    Map<String, Object> back = (Map<String, Object>) MiniJsonParser.parse(Json.write(o, Json.NonFinite.NULL));
    assertEquals(java.util.Arrays.asList(1.0, null, null), back.get("v"));
  }

  @Test
  void unsupportedTypeThrowsNamingPathAndType() {
    JsonObject o = new JsonObject().put("thing", new Object());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(o));
    assertTrue(e.getMessage().contains("$.thing") && e.getMessage().contains("java.lang.Object"), e.getMessage());
  }

  @Test
  void duplicateKeyThrows() {
    JsonObject o = new JsonObject().put("a", 1);
    assertThrows(IllegalArgumentException.class, () -> o.put("a", 2));
  }

  @Test
  void writeFileCreatesParentFolders(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a/b/result.json");
    Json.writeFile(file, new JsonObject().put("f", 1.5));
    assertEquals(Map.of("f", 1.5), MiniJsonParser.parse(Files.readString(file)));
  }
}
