package io.github.implicitdiff.autodiff;

/**
 * The calling thread's nesting depth of differentiations: each {@code jvp}/{@code vjp} opens a level
 * one deeper than the one enclosing it. This is the only per-thread state in the autodiff layer, so
 * threads differentiate independently.
 */
final class Levels {
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private Levels() {}

  static int enter() {
    return ++DEPTH.get()[0];
  }

  static void exit() {
    DEPTH.get()[0]--;
  }
}
