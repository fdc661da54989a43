package io.github.implicitdiff.linalg;

/** Thrown when a matrix or operator is singular or too ill-conditioned to solve with. */
public class SingularMatrixException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  public SingularMatrixException(String message) {
    super(message);
  }
}
