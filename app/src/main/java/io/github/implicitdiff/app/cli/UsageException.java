package io.github.implicitdiff.app.cli;

/**
 * A mistake in what the user typed or supplied: an unknown command, experiment or option, a missing or
 * malformed value, a value out of range, an unreadable data file. The command line prints the message
 * on one line and exits with code 2, without a stack trace.
 * <pre>{@code
 * throw new UsageException("--lambda must be > 0, got -1");
 * }</pre>
 */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message one line naming the offending input and, where it helps, what is accepted */
  public UsageException(String message) {
    super(message);
  }
}
