package io.github.implicitdiff.app.report;

import io.github.implicitdiff.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A dependency-free JSON writer producing pretty, valid JSON (RFC 8259): two-space indentation, and
 * arrays of plain numbers, booleans or strings on one line.
 * <p>Accepted values: null, Boolean, Integer/Long/Short/Byte/BigInteger/BigDecimal, Double/Float,
 * String, Character, enums (their name), double[], float[], int[], long[], boolean[], Object arrays
 * (double[][] included), {@link Tensor} (nested arrays following its shape, a scalar as a number),
 * Map with String keys, Collection and {@link JsonObject}. Anything else is an error naming its path.
 * <p>Non-finite numbers (NaN, ±Infinity) have no JSON form. The rule is chosen by {@link NonFinite}:
 * {@code THROW} (the default) raises an IllegalArgumentException naming the path such as
 * {@code $.grad[2]}; {@code NULL} writes {@code null} in their place.
 * <pre>{@code
 * String text = Json.write(new JsonObject().put("x", new double[] {1, 2}).put("f", 0.5));
 * // {
 * //   "x": [1.0, 2.0],
 * //   "f": 0.5
 * // }
 * }</pre>
 */
public final class Json {
  /** What to do with NaN and infinite numbers, which JSON cannot represent. */
  public enum NonFinite {
    /** Raise an IllegalArgumentException naming the value's path. */
    THROW,
    /** Write {@code null} in the value's place. */
    NULL
  }

  private static final String INDENT = "  ";

  private Json() {}

  /** Pretty JSON text of {@code value}; non-finite numbers throw. */
  public static String write(Object value) {
    return write(value, NonFinite.THROW);
  }

  /** Pretty JSON text of {@code value} with the given rule for non-finite numbers. */
  public static String write(Object value, NonFinite rule) {
    StringBuilder out = new StringBuilder();
    new Writer(out, rule).value(value, "$", 0);
    return out.append('\n').toString();
  }

  /** Writes {@code value} as pretty JSON to {@code file} (UTF-8), creating parent folders. */
  public static void writeFile(Path file, Object value) {
    writeFile(file, value, NonFinite.THROW);
  }

  /** Writes {@code value} to {@code file} with the given rule for non-finite numbers. */
  public static void writeFile(Path file, Object value, NonFinite rule) {
    String text = write(value, rule);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Json.writeFile: cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** A JSON string literal with the necessary escapes, quotes included. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static final class Writer {
    private final StringBuilder out;
    private final NonFinite rule;

    Writer(StringBuilder out, NonFinite rule) {
      this.out = out;
      this.rule = rule;
    }

    void value(Object v, String path, int depth) {
      if (v == null) {
        out.append("null");
      } else if (v instanceof Boolean b) {
        out.append(b.booleanValue());
      } else if (v instanceof Double || v instanceof Float) {
        number(((Number) v).doubleValue(), path);
      } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
          || v instanceof BigInteger) {
        out.append(v);
      } else if (v instanceof BigDecimal d) {
        out.append(d.toString());
      } else if (v instanceof String || v instanceof Character) {
        out.append(quote(v.toString()));
      } else if (v instanceof Enum<?> e) {
        out.append(quote(e.name()));
      } else if (v instanceof Tensor t) {
        tensor(t, path, depth);
      } else if (v instanceof JsonObject o) {
        object(o.fields(), path, depth);
      } else if (v instanceof Map<?, ?> m) {
        object(m, path, depth);
      } else if (v instanceof Collection<?> c) {
        array(new ArrayList<>(c), path, depth);
      } else if (v.getClass().isArray()) {
        int n = Array.getLength(v);
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(Array.get(v, i));
        }
        array(items, path, depth);
      } else {
        throw new IllegalArgumentException("Json.write: cannot write " + v.getClass().getName() + " at " + path
            + "; convert it to a number, string, array, list, map or JsonObject");
      }
    }

    private void number(double d, String path) {
      if (Double.isFinite(d)) {
        out.append(Double.toString(d));
      } else if (rule == NonFinite.NULL) {
        out.append("null");
      } else {
        throw new IllegalArgumentException("Json.write: non-finite number " + d + " at " + path
            + " has no JSON form; fix the value or write with Json.NonFinite.NULL");
      }
    }

    private void tensor(Tensor t, String path, int depth) {
      double[] values = t.concrete().toDoubleArray();
      if (t.ndim() == 0) {
        number(values[0], path);
        return;
      }
      value(nest(values, t.shape(), 0, 0), path, depth);
    }

    private static Object nest(double[] values, int[] shape, int axis, int offset) {
      if (axis == shape.length - 1) {
        double[] row = new double[shape[axis]];
        System.arraycopy(values, offset, row, 0, row.length);
        return row;
      }
      int stride = 1;
      for (int k = axis + 1; k < shape.length; k++) {
        stride *= shape[k];
      }
      Object[] parts = new Object[shape[axis]];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = nest(values, shape, axis + 1, offset + i * stride);
      }
      return parts;
    }

    private void object(Map<?, ?> m, String path, int depth) {
      if (m.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("Json.write: map key " + e.getKey() + " at " + path + " is not a String");
        }
        indent(depth + 1);
        out.append(quote(key)).append(": ");
        value(e.getValue(), path + "." + key, depth + 1);
        out.append(++i < m.size() ? ",\n" : "\n");
      }
      indent(depth);
      out.append('}');
    }

    private void array(List<Object> items, String path, int depth) {
      if (items.isEmpty()) {
        out.append("[]");
        return;
      }
      boolean flat = items.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean
          || x instanceof String || x instanceof Character || x instanceof Enum<?>);
      if (flat) {
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
          if (i > 0) {
            out.append(", ");
          }
          value(items.get(i), path + "[" + i + "]", depth);
        }
        out.append(']');
        return;
      }
      out.append("[\n");
      for (int i = 0; i < items.size(); i++) {
        indent(depth + 1);
        value(items.get(i), path + "[" + i + "]", depth + 1);
        out.append(i + 1 < items.size() ? ",\n" : "\n");
      }
      indent(depth);
      out.append(']');
    }

    private void indent(int depth) {
      out.append(INDENT.repeat(depth));
    }
  }
}
