package io.github.implicitdiff.solver;

import io.github.implicitdiff.examples.Fd;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gauss–Newton and Levenberg–Marquardt: closed forms, agreement with each other, derivatives in both modes. */
class LeastSquaresSolversTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void linearLeastSquaresMatchesNormalEquations(long seed) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, 12, 4), y = Tensor.randn(rng, 12);
    ResidualFunction r = (w, th) -> X.matmul(w).sub(th[0]);
    Tensor XtXinvXt = Reference.solve(X.T().matmul(X), X.T());
    Tensor expected = XtXinvXt.matmul(y);
    for (var solver : new Object[] {GaussNewton.of(r), LevenbergMarquardt.of(r)}) {
      for (Differentiation mode : Differentiation.values()) {
        java.util.function.Function<Tensor, SolverResult> run = solver instanceof GaussNewton g
            ? yy -> g.withDifferentiation(mode).run(Tensor.zeros(4), yy)
            : yy -> ((LevenbergMarquardt) solver).withDifferentiation(mode).withTol(1e-13).run(Tensor.zeros(4), yy);
        SolverResult res = run.apply(y);
        assertTrue(res.converged(), solver + " " + mode);
        assertTrue(res.solution().allClose(expected, 1e-10));
        Tensor J = AD.jacobian(yy -> run.apply(yy).solution(), y, AD.Mode.REVERSE);
        assertTrue(J.allClose(XtXinvXt, 1e-8), solver.getClass().getSimpleName() + " " + mode + " " + J);
      }
    }
  }

  /** r_i = a·exp(b t_i) − y_i. */
  static final Tensor T = Tensor.linspace(0, 1, 8);
  static final ResidualFunction EXPONENTIAL = (q, th) -> q.index(0, 0).mul(q.index(0, 1).mul(T).exp()).sub(th[0]);

  static Tensor data(long seed) {
    Tensor clean = T.mul(-1.3).exp().mul(2.0);
    return clean.add(Tensor.randn(new Random(seed), 8).mul(0.05));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void exponentialFitGaussNewtonAndLevenbergMarquardtAgreeAndDifferentiate(long seed) {
    Tensor y = data(seed), init = Tensor.of(1, 0);
    var gn = GaussNewton.of(EXPONENTIAL).withTol(1e-13);
    var lm = LevenbergMarquardt.of(EXPONENTIAL).withTol(1e-13);
    SolverResult a = gn.run(init, y), b = lm.run(init, y);
    assertTrue(a.converged() && b.converged());
    assertTrue(a.solution().allClose(b.solution(), 1e-9), a.solution() + " vs " + b.solution());
    Tensor fd = Fd.jacobian(yy -> gn.run(init, yy).orThrow(), y, 1e-6);
    Tensor gnImplicit = AD.jacobian(yy -> gn.run(init, yy).solution(), y, AD.Mode.REVERSE);
    Tensor lmImplicit = AD.jacobian(yy -> lm.run(init, yy).solution(), y, AD.Mode.FORWARD);
    Tensor gnUnrolled = AD.jacobian(yy -> gn.withDifferentiation(Differentiation.UNROLLED).run(init, yy).solution(), y, AD.Mode.REVERSE);
    Tensor lmUnrolled = AD.jacobian(yy -> lm.withDifferentiation(Differentiation.UNROLLED).run(init, yy).solution(), y, AD.Mode.FORWARD);
    assertTrue(gnImplicit.allClose(fd, 1e-6), gnImplicit + " vs " + fd);
    assertTrue(lmImplicit.allClose(gnImplicit, 1e-9));
    assertTrue(gnUnrolled.allClose(gnImplicit, 1e-7), gnUnrolled + " vs " + gnImplicit);
    assertTrue(lmUnrolled.allClose(gnImplicit, 1e-7), lmUnrolled + " vs " + gnImplicit);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.5, 0.8, 2.0})
  void levenbergMarquardtSolvesRosenbrockWithClosedFormDerivative(double theta) {
    // r = (θ − x₀, 10 (x₁ − x₀²)): minimum at (θ, θ²), derivative (1, 2θ)
    ResidualFunction r = (x, th) -> Tensor.stack(0, th[0].sub(x.index(0, 0)), x.index(0, 1).sub(x.index(0, 0).square()).mul(10));
    var lm = LevenbergMarquardt.of(r).withTol(1e-13);
    SolverResult s = lm.run(Tensor.of(-1.2, 1), Tensor.scalar(theta));
    assertTrue(s.converged());
    assertTrue(s.solution().allClose(Tensor.of(theta, theta * theta), 1e-10), s.solution().toString());
    Tensor d = AD.jacobian(t -> lm.run(Tensor.of(-1.2, 1), t).solution(), Tensor.scalar(theta), AD.Mode.FORWARD);
    assertTrue(d.allClose(Tensor.of(1, 2 * theta), 1e-9), d.toString());
  }

  @Test
  void nanResidualIsReported() {
    ResidualFunction r = (x, th) -> x.sub(th[0]).log();
    assertThrows(NonFiniteException.class, () -> GaussNewton.of(r).run(Tensor.of(0.0), Tensor.of(1.0)));
    assertThrows(NonFiniteException.class, () -> LevenbergMarquardt.of(r).run(Tensor.of(0.0), Tensor.of(1.0)));
  }
}
