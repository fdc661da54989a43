package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * The step map of a first-order method, z = T_η(x; ∇f(x)), and the distance D(z, x) of its
 * sufficient-decrease test. Euclidean: z = prox_{ηg}(x − η∇f), D = ½‖z − x‖². Entropic (mirror descent on
 * simplices): z = softmax(log x − η∇f) along the last axis, D = KL(z‖x).
 */
interface Geometry {
  /** T_η(x; grad), with the operator's parameters θ_g. */
  Tensor step(Tensor x, Tensor grad, double eta, Tensor[] thetaG);

  /** D(z, x) ≥ 0. */
  double distance(Tensor z, Tensor x);

  /** A proximal map v ↦ prox_{ηg(·; θ_g)}(v). */
  @FunctionalInterface
  interface ProxMap {
    Tensor apply(Tensor v, double eta, Tensor[] thetaG);
  }

  /** z = prox_{ηg}(x − η grad), D = ½‖z − x‖². */
  static Geometry euclidean(ProxMap prox) {
    return new Geometry() {
      public Tensor step(Tensor x, Tensor grad, double eta, Tensor[] thetaG) {
        return prox.apply(x.sub(grad.mul(eta)), eta, thetaG);
      }

      public double distance(Tensor z, Tensor x) {
        Tensor d = z.concrete().sub(x.concrete());
        return 0.5 * d.vdot(d);
      }
    };
  }

  /** z = softmax(log x − η grad) along the last axis (each row a simplex), D = Σ z log(z/x). */
  static Geometry entropic() {
    return new Geometry() {
      public Tensor step(Tensor x, Tensor grad, double eta, Tensor[] thetaG) {
        return x.log().sub(grad.mul(eta)).softmax(x.ndim() - 1);
      }

      public double distance(Tensor z, Tensor x) {
        double[] zs = z.toDoubleArray(), xs = x.toDoubleArray();
        double kl = 0;
        for (int i = 0; i < zs.length; i++) if (zs[i] > 0) kl += zs[i] * Math.log(zs[i] / xs[i]) - zs[i] + xs[i];
        return Math.max(kl, 0);
      }
    };
  }
}
