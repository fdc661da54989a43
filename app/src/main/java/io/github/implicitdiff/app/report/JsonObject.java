package io.github.implicitdiff.app.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ordered JSON object under construction; keys keep insertion order. Values are anything
 * {@link Json#write} accepts: null, Boolean, Number, String, enums, double[], int[], long[], boolean[],
 * double[][], Tensor, Map, Collection, arrays of those and other JsonObjects.
 * <pre>{@code
 * JsonObject result = new JsonObject().put("x", x).put("f", f).put("grad", gradTensor);
 * Json.writeFile(path, result);
 * }</pre>
 */
public final class JsonObject {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  /**
   * Sets {@code key} to {@code value}; a key already present is an error (a typo or a duplicate result).
   * @return this
   */
  public JsonObject put(String key, Object value) {
    if (key == null) {
      throw new IllegalArgumentException("JsonObject.put: key is null");
    }
    if (fields.containsKey(key)) {
      throw new IllegalArgumentException("JsonObject.put: key '" + key + "' already set");
    }
    fields.put(key, value);
    return this;
  }

  /** The fields in insertion order, read-only. */
  public Map<String, Object> fields() {
    return Collections.unmodifiableMap(fields);
  }

  /** Pretty JSON text with the default rule (non-finite numbers throw). */
  @Override
  public String toString() {
    return Json.write(this);
  }
}
