package io.github.implicitdiff.tensor;

/** Thrown when a NaN or an infinity reaches an operation that requires finite values. */
public class NonFiniteException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  public NonFiniteException(String message) {
    super(message);
  }
}
