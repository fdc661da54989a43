package io.github.implicitdiff.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.solver.Broyden;
import io.github.implicitdiff.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Program 4: the node voltages v*(θ) of a two-node diode circuit (source V_s through R1 to node 0, R2 between
 * the nodes, R3 from node 1 to ground, a diode with saturation current I_s from each node to ground; thermal
 * voltage 1), Kirchhoff's current law F(v, θ) = 0 with θ = (V_s, I_s), solved by Broyden and wrapped by
 * {@link Implicit#customRoot} with its default linear solver. The Jacobian of v* in θ against central
 * differences and the closed form −(∂₁F)⁻¹∂₂F; the Hessian of a scalar function of v* against second-order
 * central differences of re-solves.
 */
class CircuitRootExample {
  static final double R1 = 1, R2 = 2, R3 = 3;

  // Kirchhoff: the current leaving each node is zero
  static final Optimality KCL = (v, th) -> {
    Tensor vs = th[0].index(0, 0), is = th[0].index(0, 1), v0 = v.index(0, 0), v1 = v.index(0, 1);
    Tensor resistors = Tensor.stack(0, v0.sub(vs).div(R1).add(v0.sub(v1).div(R2)), v1.sub(v0).div(R2).add(v1.div(R3)));
    return resistors.add(v.exp().sub(1).mul(is));
  };

  @ParameterizedTest
  @CsvSource({"3.0, 0.1", "1.0, 0.5", "5.0, 0.01"})
  void jacobianAndHessianOfTheRootMatchReferences(double sourceVoltage, double saturationCurrent) {
    Tensor theta = Tensor.of(sourceVoltage, saturationCurrent);
    MultiInputFunction vStar = Implicit.customRoot(KCL, th -> Broyden.of(KCL).withTol(1e-13).run(Tensor.zeros(2), th).orThrow());

    Tensor v = vStar.apply(theta);
    assertEquals(0, KCL.apply(v, theta).norm2(), 1e-12);

    Tensor J = AD.jacobian(th -> vStar.apply(th), theta);
    Tensor Jfd = Fd.jacobian(th -> vStar.apply(th), theta, 1e-6);
    Tensor A = AD.jacobian(vv -> KCL.apply(vv, theta), v), B = AD.jacobian(th -> KCL.apply(v, th), theta);
    Tensor Jclosed = inverse2x2(A).matmul(B).neg();

    // power dissipated in R3 (times R3), a smooth scalar of the root
    Tensor H = AD.hessian(th -> vStar.apply(th).index(0, 1).square(), theta);
    Tensor Hfd = secondDifferences(th -> vStar.apply(th).index(0, 1).square().item(), theta.toDoubleArray(), 1e-3);   // steps 1e-3·|θ_i|

    double eJ = Fd.relativeError(J, Jfd), eJc = Fd.relativeError(J, Jclosed), eH = Fd.relativeError(H, Hfd);
    System.out.printf("circuit Vs=%.1f Is=%.2f  v*=%s rel.err jacobian fd %.1e closed %.1e  hessian fd %.1e%n", sourceVoltage,
        saturationCurrent, java.util.Arrays.toString(v.toDoubleArray()), eJ, eJc, eH);
    assertTrue(eJ < 1e-7, "Jacobian vs FD " + eJ);
    assertTrue(eJc < 1e-9, "Jacobian vs closed form " + eJc);
    assertTrue(eH < 1e-5, "Hessian vs second differences " + eH);
    assertEquals(H.get(0, 1), H.get(1, 0), 1e-9 * H.maxAbs(), "Hessian symmetric");
  }

  static Tensor inverse2x2(Tensor A) {
    double a = A.get(0, 0), b = A.get(0, 1), c = A.get(1, 0), d = A.get(1, 1), det = a * d - b * c;
    return Tensor.of(new double[][] {{d / det, -b / det}, {-c / det, a / det}});
  }

  /**
   * H[i][j] = (f(θ + h_i e_i + h_j e_j) − f(θ + h_i e_i − h_j e_j) − f(θ − h_i e_i + h_j e_j) + f(θ − h_i e_i − h_j e_j))
   * / (4 h_i h_j), with steps h_i = rel · |θ_i| relative to each coordinate.
   */
  static Tensor secondDifferences(java.util.function.Function<Tensor, Double> f, double[] theta, double rel) {
    int n = theta.length;
    double[][] H = new double[n][n];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int si = -1; si <= 1; si += 2)
          for (int sj = -1; sj <= 1; sj += 2) {
            double[] t = theta.clone();
            t[i] += si * rel * Math.abs(theta[i]);
            t[j] += sj * rel * Math.abs(theta[j]);
            s += si * sj * f.apply(Tensor.of(t));
          }
        H[i][j] = s / (4 * rel * Math.abs(theta[i]) * rel * Math.abs(theta[j]));
      }
    return Tensor.of(H);
  }
}
