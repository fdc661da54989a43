package io.github.implicitdiff.implicit;

/**
 * Thrown when a condition of the implicit function theorem fails a check: the solver's output does not
 * satisfy F(x*, θ) = 0 to tolerance, or the optimality function closes over a traced tensor.
 */
public class ImplicitConditionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ImplicitConditionException(String message) {
    super(message);
  }
}
