package io.github.implicitdiff.implicit;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cycloid x = R(t − sin t), y = R(1 − cos t) through P: (R, t_P) is the root of
 * F(R, t; P) = (R(t − sin t) − P_x, R(1 − cos t) − P_y). Reference values from the table.
 */
class BrachistochroneTest {
  static final Optimality F = (z, th) -> {
    Tensor R = z.index(0, 0), t = z.index(0, 1), P = th[0];
    return Tensor.stack(0, R.mul(t.sub(t.sin())).sub(P.index(0, 0)), R.mul(t.cos().rsub(1.0)).sub(P.index(0, 1)));
  };

  /** Bisection on (1 − cos t)/(t − sin t) = P_y/P_x over (0, 2π), then R = P_y / (1 − cos t). */
  static Tensor solve(Tensor P) {
    double px = P.get(0), py = P.get(1), target = py / px;
    double lo = 1e-9, hi = 2 * Math.PI - 1e-12;
    for (int k = 0; k < 200; k++) {
      double mid = 0.5 * (lo + hi);
      double ratio = (1 - Math.cos(mid)) / (mid - Math.sin(mid));
      if (ratio > target) lo = mid;
      else hi = mid;
    }
    double t = 0.5 * (lo + hi);
    return Tensor.of(py / (1 - Math.cos(t)), t);
  }

  @ParameterizedTest
  @CsvSource({
      "3.141592653589793, 2, 3.141592653589793, 1, 1.003545, 0, 0.5, 0.5, -0.7853981633974483",
      "1, 1, 2.412011, 0.572917, 0.583193, -0.353957, 0.926874, 1.617815, -1.617815",
      "4, 1, 4.376072, 0.751873, 1.212114, 0.139005, 0.195851, 0.260484, -1.041938"})
  void matchesReferenceTable(double px, double py, double tP, double R, double T, double dRdPx, double dRdPy,
      double dtdPx, double dtdPy) {
    MultiInputFunction root = Implicit.customRoot(F, th -> solve(th[0]), TestSolvers.dense());
    Tensor P = Tensor.of(px, py);
    Tensor z = root.apply(P);
    assertEquals(R, z.get(0), 1e-6);
    assertEquals(tP, z.get(1), 1e-6);
    double time = z.get(1) * Math.sqrt(z.get(0) / 9.8);
    assertEquals(T, time, 1e-6);
    Tensor Jf = AD.jacobian(p -> root.apply(p), P, AD.Mode.FORWARD);
    Tensor Jr = AD.jacobian(p -> root.apply(p), P, AD.Mode.REVERSE);
    Tensor expected = Tensor.of(new double[][] {{dRdPx, dRdPy}, {dtdPx, dtdPy}});
    assertTrue(Jf.allClose(expected, 1e-6), Jf + " vs " + expected);
    assertTrue(Jr.allClose(expected, 1e-6), Jr + " vs " + expected);
  }
}
