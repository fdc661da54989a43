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

  /** z = softmax(log x − η grad) along the last axis (each row a simplex), D = Σ z log(z/x) − z + x (the generalised KL divergence). */
  static Geometry entropic() {
    return new Geometry() {
      public Tensor step(Tensor x, Tensor grad, double eta, Tensor[] thetaG) {
        // log max(x, MIN_NORMAL): a coordinate that underflowed to 0 (mirror descent drives the zeros of a boundary
        // solution down geometrically) keeps a finite log and a zero derivative instead of log 0 = −∞ and 1/0, which made
        // every JVP/VJP of the step NaN; the value changes by at most e^−708 relative
        return x.maximum(Double.MIN_NORMAL).log().sub(grad.mul(eta)).softmax(x.ndim() - 1);
      }

      public double distance(Tensor z, Tensor x) {
        double[] zs = z.toDoubleArray(), xs = x.toDoubleArray();
        double kl = 0;
        for (int i = 0; i < zs.length; i++) {
          double xi = Math.max(xs[i], Double.MIN_NORMAL); // as in step: an underflowed 0 gave 0 · h(0/0) = NaN
          kl += xi * relativeEntropy(zs[i] / xi - 1);
        }
        return Math.max(kl, 0);
      }

      /** h(ε) = (1 + ε) log(1 + ε) − ε, so that z log(z/x) − z + x = x h(z/x − 1); a series near 0 avoids cancellation. */
      private double relativeEntropy(double e) {
        if (e <= -1) return 1; // z = 0: h(−1) = 1
        if (Math.abs(e) < 1e-3) return e * e * (0.5 - e / 6 + e * e / 12 - e * e * e / 20);
        return (1 + e) * Math.log1p(e) - e;
      }
    };
  }
}
