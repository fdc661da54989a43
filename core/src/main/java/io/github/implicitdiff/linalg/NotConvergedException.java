package io.github.implicitdiff.linalg;

/** Thrown when an iterative method did not reach its tolerance within its iteration budget. */
public class NotConvergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotConvergedException(String message) {
    super(message);
  }
}
