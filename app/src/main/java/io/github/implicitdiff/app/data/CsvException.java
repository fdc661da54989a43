package io.github.implicitdiff.app.data;

import io.github.implicitdiff.app.cli.UsageException;

/**
 * A data file that cannot be used: missing, empty, ragged, non-numeric or non-finite cells, or columns
 * that differ between the training and validation files. The message is one line naming the file, the
 * line number where there is one, and the problem. It is a {@link UsageException}: the command line
 * exits with code 2, since the fix is in the user's file.
 * <pre>{@code
 * throw new CsvException("train.csv line 7: expected 5 columns (as in the header), found 4");
 * }</pre>
 */
public final class CsvException extends UsageException {
  private static final long serialVersionUID = 1L;

  /** @param message file, line and problem on one line */
  public CsvException(String message) {
    super(message);
  }
}
