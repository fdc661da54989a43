package io.github.implicitdiff.projection;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Shapes;
import io.github.implicitdiff.tensor.Tensor;

/** Validation shared by the projections: each check names the operation, the values and a remedy. */
final class Arguments {
  private Arguments() {}

  /** Throws unless every value of {@code t} is finite. */
  static Tensor finite(String op, String name, Tensor t) {
    if (t == null) throw new IllegalArgumentException(op + ": " + name + " is null");
    return t.requireFinite(op + ": " + name + " must be finite (NaN or infinity found)");
  }

  /** Throws if {@code t} holds a NaN (infinities allowed: an unbounded side of a box). */
  static Tensor notNaN(String op, String name, Tensor t) {
    if (t == null) throw new IllegalArgumentException(op + ": " + name + " is null");
    double[] v = t.concrete().toDoubleArray();
    for (int i = 0; i < v.length; i++)
      if (Double.isNaN(v[i])) throw new NonFiniteException(op + ": " + name + " is NaN at flat index " + i);
    return t;
  }

  /** Throws unless {@code t} has exactly one element; returns its value. */
  static double scalar(String op, String name, Tensor t) {
    finite(op, name, t);
    if (t.size() != 1)
      throw new ShapeException(op + ": " + name + " must be a scalar (one element), got shape " + t.shapeString());
    return t.item();
  }

  /** A scalar parameter that must be ≥ 0 (radius). */
  static double nonNegative(String op, String name, Tensor t) {
    double v = scalar(op, name, t);
    if (v < 0) throw new IllegalArgumentException(op + ": " + name + " must be non-negative, got " + v);
    return v;
  }

  /** A scalar parameter that must be > 0 (simplex size). */
  static double positive(String op, String name, Tensor t) {
    double v = scalar(op, name, t);
    if (!(v > 0)) throw new IllegalArgumentException(op + ": " + name + " must be positive, got " + v);
    return v;
  }

  /** Throws unless {@code t} has at least one dimension. */
  static void atLeastVector(String op, Tensor x) {
    if (x.ndim() < 1)
      throw new ShapeException(op + ": x must have at least one dimension, got shape " + x.shapeString()
          + "; wrap a scalar with reshape(1)");
  }

  /** Throws unless {@code t} is a vector. */
  static void vector(String op, String name, Tensor t) {
    if (t.ndim() != 1) throw new ShapeException(op + ": " + name + " must be a vector, got shape " + t.shapeString());
  }

  /** Throws unless {@code t} broadcasts to {@code x}'s shape. */
  static void broadcastsTo(String op, String name, Tensor t, Tensor x) {
    if (!Shapes.broadcastsTo(t.shape(), x.shape()))
      throw new ShapeException(op + ": " + name + " of shape " + t.shapeString() + " does not broadcast to x of shape "
          + x.shapeString());
  }

  /** Throws unless {@code value} is present; returns it. */
  static <T> T notNull(String op, String name, T value) {
    if (value == null) throw new IllegalArgumentException(op + ": " + name + " is null");
    return value;
  }

  /** A kink-detection tolerance: finite and ≥ 0 (an infinite one would report every coordinate). */
  static void tolerance(String op, double tolerance) {
    if (!(tolerance >= 0) || tolerance == Double.POSITIVE_INFINITY)
      throw new IllegalArgumentException(op + ": tolerance must be finite and non-negative, got " + tolerance);
  }

  /** Throws unless the parameter count is {@code n}. */
  static void count(String op, Tensor[] params, int n, String names) {
    if (params == null)
      throw new IllegalArgumentException(op + ": the parameter array is null; pass " + n + " parameter(s) (" + names + ")");
    if (params.length != n)
      throw new IllegalArgumentException(op + ": expects " + n + " parameter(s) (" + names + "), got " + params.length);
  }
}
