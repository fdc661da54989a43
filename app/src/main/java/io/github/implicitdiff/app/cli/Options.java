package io.github.implicitdiff.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Command-line options parsed against the options a command declares: {@code --key value},
 * {@code --key=value} and {@code --flag}. Undeclared options, missing values, repeated options and
 * stray arguments are rejected with a {@link UsageException}; typed getters reject malformed numbers
 * and values out of range the same way, naming the option and the text the user typed.
 * <pre>{@code
 * Options o = Options.parse(List.of(OptionSpec.value("lambda", "L", "ridge strength"),
 *                                   OptionSpec.flag("quick", "small problem")),
 *                           "--lambda", "0.5", "--quick");
 * double lambda = o.getPositiveDouble("lambda", 1.0);   // 0.5
 * boolean quick = o.has("quick");                        // true
 * }</pre>
 * Relative paths are returned as given, so they resolve against the caller's working directory.
 */
public final class Options {
  private final Map<String, OptionSpec> specs;
  private final Map<String, String> values;

  private Options(Map<String, OptionSpec> specs, Map<String, String> values) {
    this.specs = Collections.unmodifiableMap(specs);
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Parses {@code args} against {@code accepted}.
   *
   * @throws UsageException for an unknown option, a missing value, a value given to a flag, an option
   *     given twice or an argument that is not an option
   */
  public static Options parse(List<OptionSpec> accepted, String... args) {
    Map<String, OptionSpec> specs = new LinkedHashMap<>();
    for (OptionSpec spec : accepted) {
      if (specs.put(spec.name(), spec) != null) {
        throw new IllegalArgumentException("Options.parse: option --" + spec.name() + " declared twice");
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("unexpected argument '" + arg + "' (options start with --; accepted: "
            + synopsis(specs) + ")");
      }
      String name = arg.substring(2);
      String inlineValue = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inlineValue = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      OptionSpec spec = specs.get(name);
      if (spec == null) {
        throw new UsageException("unknown option --" + name + suggestion(name, specs)
            + " (accepted: " + synopsis(specs) + ")");
      }
      if (values.containsKey(name)) {
        throw new UsageException("option --" + name + " given twice");
      }
      String value;
      if (!spec.takesValue()) {
        if (inlineValue != null) {
          throw new UsageException("--" + name + " is a flag and takes no value, got '" + inlineValue + "'");
        }
        value = "";
      } else if (inlineValue != null) {
        value = inlineValue;
      } else if (i + 1 < args.length && !looksLikeOption(args[i + 1])) {
        value = args[++i];
      } else {
        throw new UsageException("--" + name + " needs a value (" + spec.synopsis() + ")");
      }
      values.put(name, value);
    }
    return new Options(specs, values);
  }

  /** The options declared for this command, in declaration order. */
  public List<OptionSpec> specs() {
    return List.copyOf(specs.values());
  }

  /** True if the flag or option {@code name} was given. */
  public boolean has(String name) {
    declared(name);
    return values.containsKey(name);
  }

  /** The raw text of option {@code name}, if given. */
  public Optional<String> getString(String name) {
    declared(name);
    return Optional.ofNullable(values.get(name));
  }

  /** The raw text of option {@code name}, or {@code defaultValue}. */
  public String getString(String name, String defaultValue) {
    return getString(name).orElse(defaultValue);
  }

  /** The text of a required option. @throws UsageException if it is absent */
  public String requireString(String name) {
    return getString(name).orElseThrow(() -> new UsageException("missing required option " + synopsisOf(name)));
  }

  /** Option {@code name} as a finite double, or {@code defaultValue} if absent. */
  public double getDouble(String name, double defaultValue) {
    return getString(name).map(text -> parseDouble(name, text)).orElse(defaultValue);
  }

  /** A required finite double. @throws UsageException if absent or not a finite number */
  public double requireDouble(String name) {
    return parseDouble(name, requireString(name));
  }

  /** Option {@code name} as a double {@literal >} 0, or {@code defaultValue}. */
  public double getPositiveDouble(String name, double defaultValue) {
    return checkPositive(name, getDouble(name, defaultValue));
  }

  /** Option {@code name} as a double in [lo, hi], or {@code defaultValue}. */
  public double getDoubleInRange(String name, double defaultValue, double lo, double hi) {
    return checkInRange(name, getDouble(name, defaultValue), lo, hi);
  }

  /** Option {@code name} as an int, or {@code defaultValue} if absent. */
  public int getInt(String name, int defaultValue) {
    return getString(name).map(text -> parseInt(name, text)).orElse(defaultValue);
  }

  /** A required int. @throws UsageException if absent or not an integer */
  public int requireInt(String name) {
    return parseInt(name, requireString(name));
  }

  /** Option {@code name} as an int {@literal >} 0, or {@code defaultValue}. */
  public int getPositiveInt(String name, int defaultValue) {
    int value = getInt(name, defaultValue);
    if (value <= 0) {
      throw new UsageException("--" + name + " must be > 0, got " + value);
    }
    return value;
  }

  /** Option {@code name} as an int in [lo, hi], or {@code defaultValue}. */
  public int getIntInRange(String name, int defaultValue, int lo, int hi) {
    int value = getInt(name, defaultValue);
    if (value < lo || value > hi) {
      throw new UsageException("--" + name + " must be in [" + lo + ", " + hi + "], got " + value);
    }
    return value;
  }

  /** Option {@code name} as a seed (any long), or {@code defaultValue}. */
  public long getLong(String name, long defaultValue) {
    return getString(name).map(text -> {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " must be an integer, got '" + text + "'");
      }
    }).orElse(defaultValue);
  }

  /**
   * Option {@code name} as a comma-separated list of finite numbers, such as {@code 0.5,-1,2}.
   * @throws UsageException if absent, empty, or an element is not a finite number
   */
  public double[] requireDoubleList(String name) {
    return parseDoubleList(name, requireString(name));
  }

  /** Like {@link #requireDoubleList} with a default when absent; the default is copied. */
  public double[] getDoubleList(String name, double... defaultValue) {
    return getString(name).map(text -> parseDoubleList(name, text)).orElse(defaultValue.clone());
  }

  /** Option {@code name} as a path, relative to the caller's working directory if relative. */
  public Optional<Path> getPath(String name) {
    return getString(name).map(text -> {
      if (text.isBlank()) {
        throw new UsageException("--" + name + " needs a non-empty path");
      }
      try {
        return Path.of(text);
      } catch (java.nio.file.InvalidPathException e) {
        throw new UsageException("--" + name + " is not a valid path: '" + text + "'");
      }
    });
  }

  /** A required path. @throws UsageException if absent */
  public Path requirePath(String name) {
    return getPath(name).orElseThrow(() -> new UsageException("missing required option " + synopsisOf(name)));
  }

  /** Checks value {@literal >} 0. @return value @throws UsageException naming the option otherwise */
  public static double checkPositive(String name, double value) {
    if (!(value > 0)) {
      throw new UsageException("--" + name + " must be > 0, got " + format(value));
    }
    return value;
  }

  /** Checks lo ≤ value ≤ hi. @return value @throws UsageException naming the option otherwise */
  public static double checkInRange(String name, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new UsageException("--" + name + " must be in [" + format(lo) + ", " + format(hi) + "], got "
          + format(value));
    }
    return value;
  }

  /** A number as the user would type it: 1 rather than 1.0. */
  static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  private static double parseDouble(String name, String text) {
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, got '" + text + "'");
    }
    if (!Double.isFinite(value)) {
      throw new UsageException("--" + name + " must be a finite number, got '" + text + "'");
    }
    return value;
  }

  private static int parseInt(String name, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + text + "'");
    }
  }

  private static double[] parseDoubleList(String name, String text) {
    if (text.isBlank()) {
      throw new UsageException("--" + name + " must be a comma-separated list of numbers such as 0.5,-1,2, got ''");
    }
    String[] parts = text.split(",", -1);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      try {
        out[i] = Double.parseDouble(part);
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " must be a comma-separated list of numbers such as 0.5,-1,2, got '"
            + text + "' (element " + (i + 1) + " '" + part + "' is not a number)");
      }
      if (!Double.isFinite(out[i])) {
        throw new UsageException("--" + name + ": element " + (i + 1) + " of '" + text + "' is not finite");
      }
    }
    return out;
  }

  private static boolean looksLikeOption(String token) {
    // "--x" is an option; "-1" or "-1,2" is a (negative) value.
    return token.startsWith("--");
  }

  private void declared(String name) {
    if (!specs.containsKey(name)) {
      throw new IllegalStateException("Options: --" + name + " is read but not declared; add an OptionSpec for it"
          + " (declared: " + synopsis(specs) + ")");
    }
  }

  private String synopsisOf(String name) {
    declared(name);
    return specs.get(name).synopsis();
  }

  private static String synopsis(Map<String, OptionSpec> specs) {
    if (specs.isEmpty()) {
      return "none";
    }
    return specs.values().stream().map(OptionSpec::synopsis).collect(Collectors.joining(", "));
  }

  private static String suggestion(String name, Map<String, OptionSpec> specs) {
    List<String> close = new ArrayList<>();
    for (String candidate : specs.keySet()) {
      if (editDistance(name, candidate) <= 2) {
        close.add("--" + candidate);
      }
    }
    return close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)";
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
