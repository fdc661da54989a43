package io.github.implicitdiff.tensor;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Batched C = op(A) op(B) through OpenBLAS's {@code cblas_dgemm}, with the transposes passed as flags.
 *
 * <p>OpenBLAS reads off-heap memory, so operands are copied out of the Java heap in bulk:
 * <ul>
 *   <li>an input of at least {@link #MIRROR_MIN_DOUBLES} values seen by a native product for the third
 *       time (or the first, when larger than {@link #RETAINED_DOUBLES}) gets a mirror, an off-heap copy
 *       cached in
 *       {@link Tensor#nativeMirror} (tensors are immutable, so it never goes stale); a JavaCPP pointer
 *       frees its memory once the tensor and its mirror are garbage, and JavaCPP triggers a collection
 *       when off-heap memory approaches the heap limit;
 *   <li>other inputs, and the output, go through per-thread scratch buffers that are reused across calls
 *       (an output above {@link #RETAINED_DOUBLES} gets a buffer freed right after the call).
 * </ul>
 * One-shot temporaries therefore cost one copy and no allocation; inputs used repeatedly (a data matrix
 * in a training loop) cost nothing after their third use.
 *
 * <p>{@link #AVAILABLE} is false when the native library cannot be loaded (another platform, a missing
 * jar); callers then use the pure-Java kernel.
 */
final class NativeGemm {
  private NativeGemm() {}

  /** True when OpenBLAS was loaded; decided once, on first use of this class. */
  static final boolean AVAILABLE = load();

  /** Scratch buffers larger than this many doubles (32 MiB) are freed after each call. */
  static final long RETAINED_DOUBLES = 4L << 20;

  /** Inputs with fewer values are always copied to scratch: a mirror's allocation would cost more. */
  static final int MIRROR_MIN_DOUBLES = 1 << 12;

  /**
   * Mark tensors whose values were copied to scratch once and twice; the third native use creates the
   * mirror. Waiting for the third use spares the allocation for the many tensors of a reverse pass used
   * exactly twice (an activation h in h·W and in hᵀ·G, a weight W in X·W and in G·Wᵀ).
   */
  private static final Object SEEN_ONCE = new Object(), SEEN_TWICE = new Object();

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static boolean load() {
    try {
      // initialising the class loads libopenblas_nolapack and its JNI bridge
      return openblas_nolapack.CblasRowMajor == 101 && openblas_nolapack.CblasTrans == 112;
    } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
      return false;
    }
  }

  /**
   * C[b] = op(A[b]) op(B[b]) for b &lt; batch, all row-major; A[b] is ra×ca, B[b] is rb×cb, C[b] is m×n.
   * Requires {@link #AVAILABLE}.
   */
  static double[] gemm(Tensor a, Tensor b, boolean tA, boolean tB, int batch, int ra, int ca, int rb, int cb) {
    int m = tA ? ca : ra, n = tB ? rb : cb, k = tA ? ra : ca;
    Scratch scratch = SCRATCH.get();
    DoublePointer pa = input(a, scratch, 0);
    DoublePointer pb = b == a ? pa : input(b, scratch, 1);
    long cSize = (long) batch * m * n;
    DoublePointer pc = scratch.buffer(2, cSize);
    try {
      int opA = tA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
      int opB = tB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
      if (batch == 1) {
        openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, opA, opB, m, n, k,
            1.0, pa, ca, pb, cb, 0.0, pc, n);
      } else {
        for (int p = 0; p < batch; p++) {
          openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, opA, opB, m, n, k,
              1.0, pa.getPointer((long) p * ra * ca), ca, pb.getPointer((long) p * rb * cb), cb,
              0.0, pc.getPointer((long) p * m * n), n);
        }
      }
      double[] c = new double[Math.toIntExact(cSize)];
      pc.get(c, 0, c.length);
      return c;
    } finally {
      scratch.freeOversized();
      Reference.reachabilityFence(pa);
      Reference.reachabilityFence(pb);
      Reference.reachabilityFence(pc);
    }
  }

  /**
   * The tensor's values off-heap: its mirror, created on the third use (or at once when the tensor is
   * too large for the retained scratch, since the allocation is then needed anyway), else a scratch copy.
   */
  private static DoublePointer input(Tensor t, Scratch scratch, int slot) {
    Object cached = t.nativeMirror;
    if (cached instanceof DoublePointer) return (DoublePointer) cached;
    double[] v = t.values();
    if (v.length >= MIRROR_MIN_DOUBLES && (cached == SEEN_TWICE || v.length > RETAINED_DOUBLES)) {
      DoublePointer mirror = new DoublePointer(v.length);
      mirror.put(v, 0, v.length);
      t.nativeMirror = mirror; // published filled; a racing thread may install its own equal copy
      return mirror;
    }
    DoublePointer p = scratch.buffer(slot, v.length);
    p.put(v, 0, v.length);
    if (v.length >= MIRROR_MIN_DOUBLES) t.nativeMirror = cached == SEEN_ONCE ? SEEN_TWICE : SEEN_ONCE;
    return p;
  }

  /**
   * The off-heap mirror of a matrix used in a matrix-vector product, or null when the product should stay
   * in Java. A matrix-vector product reads each matrix element once, so copying the matrix off the heap
   * costs as much as the product: only a matrix that already has a mirror, or is on its third use (a data
   * matrix inside an iterative solver), goes native.
   */
  static DoublePointer gemvMirror(Tensor t) {
    Object cached = t.nativeMirror;
    if (cached instanceof DoublePointer) return (DoublePointer) cached;
    double[] v = t.values();
    if (cached == SEEN_TWICE) {
      DoublePointer mirror = new DoublePointer(v.length);
      mirror.put(v, 0, v.length);
      t.nativeMirror = mirror;
      return mirror;
    }
    t.nativeMirror = cached == SEEN_ONCE ? SEEN_TWICE : SEEN_ONCE;
    return null;
  }

  /**
   * y = op(M) x through {@code cblas_dgemv}: M is rows×cols (row-major, given by its mirror), op(M) = M or
   * Mᵀ, x a vector of length cols (or rows when transposed).
   */
  static double[] gemv(DoublePointer matrix, boolean trans, int rows, int cols, double[] x) {
    Scratch scratch = SCRATCH.get();
    int outLength = trans ? cols : rows;
    DoublePointer px = scratch.buffer(0, x.length);
    px.put(x, 0, x.length);
    DoublePointer py = scratch.buffer(2, outLength);
    try {
      openblas_nolapack.cblas_dgemv(openblas_nolapack.CblasRowMajor,
          trans ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, rows, cols, 1.0, matrix, cols, px, 1, 0.0,
          py, 1);
      double[] y = new double[outLength];
      py.get(y, 0, outLength);
      return y;
    } finally {
      scratch.freeOversized();
      Reference.reachabilityFence(matrix);
    }
  }

  /** Per-thread reusable off-heap buffers, one per operand slot (A, B, C). */
  private static final class Scratch {
    private final DoublePointer[] buffers = new DoublePointer[3];
    /** Buffers too large to retain, handed out during the current call. */
    private final java.util.ArrayList<DoublePointer> oversized = new java.util.ArrayList<>(3);

    DoublePointer buffer(int slot, long size) {
      DoublePointer p = buffers[slot];
      if (p != null && p.capacity() >= size) return p;
      p = new DoublePointer(Math.max(size, 1));
      if (size > RETAINED_DOUBLES) {
        oversized.add(p);
      } else {
        if (buffers[slot] != null) buffers[slot].close();
        buffers[slot] = p;
      }
      return p;
    }

    void freeOversized() {
      for (DoublePointer p : oversized) p.close();
      oversized.clear();
    }
  }
}
