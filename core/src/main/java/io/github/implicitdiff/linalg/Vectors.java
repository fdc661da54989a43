package io.github.implicitdiff.linalg;

/** Level-1 kernels on double[] used inside the Krylov loops (package-private). */
final class Vectors {
  private Vectors() {}

  static double dot(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) s += x[i] * y[i];
    return s;
  }

  /** ‖x‖₂, rescaled when the plain sum of squares would overflow or underflow. */
  static double norm(double[] x) {
    double plain = dot(x, x);
    if (plain > 1e-280 && plain < 1e280) return Math.sqrt(plain);
    double scale = 0, sum = 1;
    for (double v : x) {
      if (v == 0) continue;
      double a = Math.abs(v);
      if (a > scale) {
        sum = 1 + sum * (scale / a) * (scale / a);
        scale = a;
      } else {
        sum += (a / scale) * (a / scale);
      }
    }
    return scale * Math.sqrt(sum);
  }

  /** y ← y + alpha x. */
  static void axpy(double alpha, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) y[i] += alpha * x[i];
  }

  /** b − y as a new array. */
  static double[] subtract(double[] b, double[] y) {
    double[] r = new double[b.length];
    for (int i = 0; i < b.length; i++) r[i] = b[i] - y[i];
    return r;
  }

  static double[] scaled(double alpha, double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = alpha * x[i];
    return y;
  }
}
