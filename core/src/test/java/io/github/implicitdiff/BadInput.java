package io.github.implicitdiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One bad-input probe of a public entry point for the parameterized {@code *BadInputTest}s: the call, the
 * exception type it must throw and fragments its message must contain (the operation and the problem).
 */
public record BadInput(String name, Class<? extends Throwable> type, Executable call, String... fragments) {

  /** A probe named "entry point: problem". */
  public static BadInput of(String name, Class<? extends Throwable> type, Executable call, String... fragments) {
    return new BadInput(name, type, call, fragments);
  }

  /** The probes as JUnit arguments (name, probe), so that the report names each case. */
  public static Stream<Arguments> cases(BadInput... probes) {
    return Stream.of(probes).map(p -> Arguments.of(p.name(), p));
  }

  /** Runs the call and checks the exception type and every message fragment. */
  public void check() {
    Throwable e = assertThrows(type, call, name);
    String message = String.valueOf(e.getMessage());
    for (String f : fragments)
      assertTrue(message.contains(f), name + ": message '" + message + "' lacks '" + f + "'");
  }

  @Override
  public String toString() {
    return name;
  }
}
