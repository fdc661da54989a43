package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LBFGS;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Program 7: 30 steps of gradient descent on log λ of an L2-regularized logistic regression (L-BFGS inner
 * solver, implicit hypergradient, warm-started), from a λ far too small for 40 samples in 30 dimensions: the
 * validation loss must decrease. The first hypergradient is checked against central differences of re-solves.
 */
class BilevelLogisticExample {
  @Test
  void gradientDescentOnLogLambdaLowersTheValidationLoss() {
    Random rng = new Random(7);
    int n = 40, nv = 400, d = 30;
    Tensor wTrue = Tensor.randn(rng, d).mul(0.5);
    Tensor X = Tensor.randn(rng, n, d), Xv = Tensor.randn(rng, nv, d);
    Tensor y = labels(X, wTrue, rng), yv = labels(Xv, wTrue, rng);
    Objective f = (w, th) -> Objectives.l2BinaryLogistic(w, th[0].exp(), X, y);
    LBFGS inner = LBFGS.of(f).withTol(1e-10);

    Tensor logLam = Tensor.scalar(Math.log(1e-4));
    Tensor[] warm = {Tensor.zeros(d)};
    double first = Double.NaN, last = Double.NaN, step = 2.0;
    for (int k = 0; k < 30; k++) {
      long t0 = System.nanoTime();
      Tensor init = warm[0];
      ValueAndGrad vg = AD.valueAndGrad(ll -> {
        Tensor w = inner.run(init, ll).orThrow();
        warm[0] = w.concrete();
        return Objectives.binaryLogistic(w, Xv, yv);
      }, logLam);
      double ms = (System.nanoTime() - t0) / 1e6;
      if (k == 0) {
        first = vg.value().item();
        double fd = Fd.gradient(ll -> Objectives.binaryLogistic(inner.run(init, ll).orThrow(), Xv, yv), logLam, 1e-3).item();   // h ≫ tol: smaller steps amplify the inner tolerance
        System.out.printf("bilevel: first hypergradient %.8f, central differences %.8f%n", vg.grad().item(), fd);
        assertEquals(fd, vg.grad().item(), 1e-5 * Math.abs(fd));
      }
      assertTrue(Double.isNaN(last) || vg.value().item() <= last + 1e-9, "step " + k + " raised the validation loss");
      last = vg.value().item();
      System.out.printf("bilevel step %2d  λ = %.3e  val loss %.6f  dval/dlogλ %+.3e  %.1f ms%n", k, Math.exp(logLam.item()), last,
          vg.grad().item(), ms);
      logLam = logLam.sub(vg.grad().mul(step));
    }
    assertTrue(last < first - 0.05, "validation loss " + first + " -> " + last);
  }

  static Tensor labels(Tensor X, Tensor w, Random rng) {
    double[] s = X.matmul(w).toDoubleArray(), y = new double[s.length];
    for (int i = 0; i < s.length; i++) y[i] = rng.nextDouble() < 1 / (1 + Math.exp(-s[i])) ? 1 : 0;
    return Tensor.of(y);
  }
}
