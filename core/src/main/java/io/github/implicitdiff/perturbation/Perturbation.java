package io.github.implicitdiff.perturbation;

/**
 * How a function is perturbed and its expectation estimated ({@link Perturbed}): θ ↦ E_Z[f(θ + εZ)] by the mean
 * over {@code samples} draws of Z from {@code noise}, drawn from {@code seed}. The draws depend only on the seed
 * and on θ's shape, so the value and every derivative at θ use the same draws, and repeated calls agree exactly.
 *
 * <pre>{@code
 * Perturbation p = Perturbation.of(Noise.GAUSSIAN, 0.5).withSamples(2000).withSeed(7).withControlVariate(true);
 * Perturbation rows = p.withBatched(true);   // θ of shape (B, ...): B independent problems
 * }</pre>
 *
 * @param noise the distribution of Z
 * @param sigma ε &gt; 0, the scale of the perturbation: larger is smoother and further from the unperturbed function
 * @param samples the number of draws M (Monte-Carlo error ∝ 1/√M; derivatives ∝ 1/(ε√M))
 * @param seed the seed of the draws
 * @param controlVariate true: derivatives use f(θ + εZ) − f(θ), which has the same expectation (E[∇ν(Z)] = 0) and
 *     often a much smaller variance, at one extra evaluation of f per θ; the value is unchanged
 * @param antithetic true (Gaussian noise only, even sample count): the draws come in pairs Z, −Z
 * @param batched true: θ's leading dimension indexes independent problems, each perturbed by its own draws and
 *     given to the black box alone (shape θ.shape without the leading dimension)
 */
public record Perturbation(Noise noise, double sigma, int samples, long seed, boolean controlVariate, boolean antithetic,
    boolean batched) {
  public Perturbation {
    if (noise == null) throw new IllegalArgumentException("Perturbation: noise must not be null");
    if (!(sigma > 0) || !Double.isFinite(sigma))
      throw new IllegalArgumentException("Perturbation: sigma (the perturbation scale ε) must be positive and finite, got " + sigma);
    if (samples <= 0) throw new IllegalArgumentException("Perturbation: samples must be positive, got " + samples);
    if (antithetic && noise != Noise.GAUSSIAN)
      throw new IllegalArgumentException("Perturbation: antithetic pairs (Z, −Z) need a symmetric noise; " + noise
          + " is not symmetric (use Noise.GAUSSIAN or the control variate)");
    if (antithetic && samples % 2 != 0)
      throw new IllegalArgumentException("Perturbation: antithetic pairs need an even number of samples, got " + samples);
  }

  /** {@code noise} at scale ε = sigma, 1000 samples, seed 0, no variance reduction, not batched. */
  public static Perturbation of(Noise noise, double sigma) {
    return new Perturbation(noise, sigma, 1000, 0L, false, false, false);
  }

  public Perturbation withNoise(Noise n) {
    return new Perturbation(n, sigma, samples, seed, controlVariate, antithetic, batched);
  }

  public Perturbation withSigma(double s) {
    return new Perturbation(noise, s, samples, seed, controlVariate, antithetic, batched);
  }

  public Perturbation withSamples(int m) {
    return new Perturbation(noise, sigma, m, seed, controlVariate, antithetic, batched);
  }

  public Perturbation withSeed(long s) {
    return new Perturbation(noise, sigma, samples, s, controlVariate, antithetic, batched);
  }

  /** Derivatives from f(θ + εZ) − f(θ) (one more evaluation of f per θ); see the record's description. */
  public Perturbation withControlVariate(boolean on) {
    return new Perturbation(noise, sigma, samples, seed, on, antithetic, batched);
  }

  /** Draws in antithetic pairs Z, −Z (Gaussian noise, even sample count). */
  public Perturbation withAntithetic(boolean on) {
    return new Perturbation(noise, sigma, samples, seed, controlVariate, on, batched);
  }

  /** θ's leading dimension indexes independent problems. */
  public Perturbation withBatched(boolean on) {
    return new Perturbation(noise, sigma, samples, seed, controlVariate, antithetic, on);
  }
}
