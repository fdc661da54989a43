package io.github.implicitdiff.app;

import io.github.implicitdiff.app.report.Progress;
import io.github.implicitdiff.app.report.Table;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a running command reports: the console for tables and notes, a {@link Progress} reporter for
 * long loops. Notes are also copied into the JSON result under "notes".
 * <pre>{@code
 * output.note(standardizer.describe());
 * output.table(table);
 * Progress.Loop loop = output.progress().loop("iter", 50, "val_loss");
 * }</pre>
 */
public final class Output {
  private final PrintStream out;
  private final Progress progress;
  private final List<String> notes = new ArrayList<>();

  /** @param out the console; @param progress the progress reporter (Progress.silent() in tests) */
  public Output(PrintStream out, Progress progress) {
    this.out = out;
    this.progress = progress;
  }

  /** Output to a stream with progress lines to the same stream. */
  public static Output to(PrintStream out) {
    return new Output(out, Progress.to(out));
  }

  /** Output to a stream without progress lines. */
  public static Output quiet(PrintStream out) {
    return new Output(out, Progress.silent());
  }

  /** The console. */
  public PrintStream out() {
    return out;
  }

  /** The progress reporter. */
  public Progress progress() {
    return progress;
  }

  /** Prints a table. */
  public void table(Table table) {
    out.print(table.render());
  }

  /** Prints a note line and keeps it for the JSON result, such as "standardized 10 features ...". */
  public void note(String line) {
    notes.add(line);
    out.println(line);
  }

  /** The notes so far. */
  public List<String> notes() {
    return List.copyOf(notes);
  }
}
