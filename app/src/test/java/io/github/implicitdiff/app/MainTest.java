package io.github.implicitdiff.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.app.cli.OptionSpec;
import io.github.implicitdiff.app.cli.Options;
import io.github.implicitdiff.app.cli.UsageException;
import io.github.implicitdiff.app.report.JsonObject;
import io.github.implicitdiff.app.report.MiniJsonParser;
import io.github.implicitdiff.app.report.Plot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  /** An experiment whose behaviour the options choose: succeed, fail in the library, or reject a value. */
  static final class Scripted implements Experiment {
    private final String name;

    Scripted(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return "test double";
    }

    @Override
    public List<OptionSpec> options() {
      return List.of(OptionSpec.value("lambda", "L", "must be > 0"), OptionSpec.flag("explode", "throw"),
          OptionSpec.flag("prefixed", "throw messages that already name the experiment"),
          OptionSpec.flag("prefixed-usage", "reject an option with a message that already names the command"));
    }

    @Override
    public Result run(Options options, Output output) {
      double lambda = options.getPositiveDouble("lambda", 1);
      if (options.has("prefixed")) throw new IllegalStateException(name + ": check failed");
      if (options.has("prefixed-usage"))
        throw new io.github.implicitdiff.app.cli.UsageException("run " + name + ": --lambda is not allowed here");
      if (options.has("explode") || name.equals("boom")) {
        throw new IllegalStateException("solver diverged\nsecond line");
      }
      output.note("standardized 0 features");
      return new Result(new JsonObject().put("lambda", lambda).put("quick", options.has("quick")))
          .withPlot("a", new Plot().line("l", new double[] {0, 1}, new double[] {0, lambda}))
          .withPlot("b", new Plot().scatter("s", new double[] {0, 1}, new double[] {1, 0}));
    }
  }

  static final class Run {
    final int code;
    final String out;
    final String err;

    Run(Registry registry, String... args) {
      ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
      ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
      Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
      code = new Main(registry, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
          new PrintStream(errBytes, true, StandardCharsets.UTF_8), clock).run(args);
      out = outBytes.toString(StandardCharsets.UTF_8);
      err = errBytes.toString(StandardCharsets.UTF_8);
    }

    Run(String... args) {
      this(new Registry(List.of(new Scripted("ridge"), new Scripted("boom")), List.of()), args);
    }
  }

  static void assertOneLineError(Run r, int code, String expected) {
    assertEquals(code, r.code, r.err);
    assertEquals(expected + "\n", r.err);
  }

  @Test
  void noArgumentsPrintsUsageAndExits2() {
    Run r = new Run();
    assertEquals(2, r.code);
    assertTrue(r.err.startsWith("usage: implicitdiff"));
  }

  @Test
  void helpExits0() {
    Run r = new Run("--help");
    assertEquals(0, r.code);
    assertTrue(r.out.contains("run all"));
  }

  @Test
  void listNamesExperiments() {
    Run r = new Run(Registry.standard(), "list");
    assertEquals(0, r.code);
    assertTrue(r.out.contains("hello-grad") && r.out.contains("grad-timing"), r.out);
  }

  @Test
  void experimentHelpShowsItsOptions() {
    Run r = new Run("run", "ridge", "--help");
    assertEquals(0, r.code);
    assertTrue(r.out.contains("--lambda L") && r.out.contains("--json FILE"), r.out);
  }

  @Test
  void unknownCommand() {
    assertOneLineError(new Run("fly"), 2, "implicitdiff: unknown command 'fly' (commands: run, bench, list, help)");
  }

  @Test
  void messagesThatAlreadyNameTheExperimentAreNotPrefixedTwice() {
    assertOneLineError(new Run("run", "ridge", "--prefixed"), 1, "implicitdiff: ridge: check failed");
    assertOneLineError(new Run("run", "ridge", "--prefixed-usage"), 2, "implicitdiff: run ridge: --lambda is not allowed here");
  }

  @Test
  void unknownExperiment() {
    assertOneLineError(new Run("run", "lasso"), 2,
        "implicitdiff: run: unknown experiment 'lasso' (experiments: ridge, boom)");
  }

  @Test
  void missingExperimentName() {
    Run r = new Run("run");
    assertEquals(2, r.code);
    assertTrue(r.err.startsWith("implicitdiff: run: missing experiment name"), r.err);
  }

  @Test
  void unknownBenchmark() {
    assertOneLineError(new Run("bench", "speed"), 2,
        "implicitdiff: bench: unknown benchmark 'speed' (benchmarks: none registered)");
  }

  @Test
  void unknownOption() {
    Run r = new Run("run", "ridge", "--lamda", "1");
    assertEquals(2, r.code);
    assertTrue(r.err.startsWith("implicitdiff: run ridge: unknown option --lamda (did you mean --lambda?)"), r.err);
    assertEquals(1, r.err.lines().count());
  }

  @Test
  void missingOptionValue() {
    assertOneLineError(new Run("run", "ridge", "--lambda"), 2, "implicitdiff: run ridge: --lambda needs a value (--lambda L)");
  }

  @Test
  void nonNumericOptionValue() {
    assertOneLineError(new Run("run", "ridge", "--lambda", "big"), 2,
        "implicitdiff: run ridge: --lambda must be a number, got 'big'");
  }

  @Test
  void outOfRangeOptionValue() {
    assertOneLineError(new Run("run", "ridge", "--lambda", "-1"), 2, "implicitdiff: run ridge: --lambda must be > 0, got -1");
  }

  @Test
  void libraryFailureExits1WithOneLineAndNoStackTrace() {
    assertOneLineError(new Run("run", "ridge", "--explode"), 1, "implicitdiff: ridge: solver diverged second line");
  }

  @Test
  void debugPrintsTheStackTrace() {
    Run r = new Run("run", "ridge", "--explode", "--debug");
    assertEquals(1, r.code);
    assertTrue(r.err.startsWith("implicitdiff: ridge: solver diverged second line\n"), r.err);
    assertTrue(r.err.contains("at io.github.implicitdiff.app.MainTest$Scripted.run"), r.err);
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonAndPlotsAreWrittenWhereAsked(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("r.json");
    Run r = new Run("run", "ridge", "--lambda", "0.5", "--json", json.toString(), "--quiet");
    assertEquals(0, r.code, r.err);
    Map<String, Object> doc = (Map<String, Object>) MiniJsonParser.parse(Files.readString(json));
    assertEquals("ridge", doc.get("experiment"));
    assertEquals(0.5, doc.get("lambda"));
    assertEquals(List.of("standardized 0 features"), doc.get("notes"));
    assertEquals(Map.of("lambda", "0.5", "json", json.toString(), "quiet", true), doc.get("options"));
    assertTrue(Files.size(dir.resolve("r-a.png")) > 0);
    assertTrue(Files.size(dir.resolve("r-b.png")) > 0);
    assertTrue(r.out.contains("standardized 0 features"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void runAllContinuesAfterAFailureWritesEverythingAndExits1(@TempDir Path dir) throws Exception {
    Path outDir = dir.resolve("all");
    Run r = new Run("run", "all", "--out", outDir.toString(), "--quick", "--quiet");
    assertEquals(1, r.code);
    assertEquals("implicitdiff: boom: solver diverged second line\n", r.err);
    Map<String, Object> ridge = (Map<String, Object>) MiniJsonParser.parse(Files.readString(outDir.resolve("ridge.json")));
    assertEquals(true, ridge.get("quick"));
    assertTrue(Files.exists(outDir.resolve("ridge-a.png")));
    assertFalse(Files.exists(outDir.resolve("boom.json")));
    Map<String, Object> summary = (Map<String, Object>) MiniJsonParser.parse(Files.readString(outDir.resolve("summary.json")));
    assertEquals(2, ((List<Object>) summary.get("experiments")).size());
    assertTrue(r.out.contains("1 of 2 experiments failed; results in " + outDir), r.out);
  }

  @Test
  void runAllRejectsExperimentOptions() {
    Run r = new Run("run", "all", "--lambda", "1");
    assertEquals(2, r.code);
    assertTrue(r.err.startsWith("implicitdiff: run all: unknown option --lambda"), r.err);
  }

  @Test
  void registryRejectsDuplicateNamesAndCommonOptionClashes() {
    assertThrows(IllegalArgumentException.class,
        () -> new Registry(List.of(new Scripted("x"), new Scripted("x")), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Registry(List.of(new Scripted("all")), List.of()));
    Experiment clash = new Experiment() {
      public String name() {
        return "clash";
      }

      public String description() {
        return "declares --json";
      }

      public List<OptionSpec> options() {
        return List.of(OptionSpec.value("json", "F", "clash"));
      }

      public Result run(Options options, Output output) {
        throw new UsageException("unreachable");
      }
    };
    assertThrows(IllegalArgumentException.class, () -> new Registry(List.of(clash), List.of()));
  }
}
