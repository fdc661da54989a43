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
 * <p>OpenBLAS runs single-threaded; products above {@link #GEMM_PARALLEL_MIN_FLOPS} (matrix-vector:
 * {@link #GEMV_PARALLEL_MIN_ELEMENTS}) are split into slices run at once by {@link Parallel}: a product's
 * rows or columns, a matrix-vector product's matrix rows (in both orientations, so a solver's X v and
 * Xᵀ u read the same slice on the same thread).
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
      boolean ok = openblas_nolapack.CblasRowMajor == 101 && openblas_nolapack.CblasTrans == 112;
      // the kernels split their work across Parallel's threads; OpenBLAS's own threads would compete with them
      openblas_nolapack.blas_set_num_threads(1);
      return ok;
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
      boolean byRows = m >= n;
      int parts = parts((long) batch * m * n * k, GEMM_PARALLEL_MIN_FLOPS, byRows ? m : n);
      Parallel.run(parts, part -> {
        // part's slice of C: rows [i0, i1) of op(A) and C, or columns [i0, i1) of op(B) and C
        int i0 = Parallel.start(byRows ? m : n, parts, part), i1 = Parallel.start(byRows ? m : n, parts, part + 1);
        long offA = byRows ? (tA ? i0 : (long) i0 * ca) : 0, offB = byRows ? 0 : (tB ? (long) i0 * cb : i0);
        long offC = byRows ? (long) i0 * n : i0;
        for (int p = 0; p < batch; p++) {
          openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, opA, opB, byRows ? i1 - i0 : m,
              byRows ? n : i1 - i0, k, 1.0, pa.getPointer((long) p * ra * ca + offA), ca,
              pb.getPointer((long) p * rb * cb + offB), cb, 0.0, pc.getPointer((long) p * m * n + offC), n);
        }
      });
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
   * Multiply-adds from which a matrix product is split across {@link Parallel#PARTS} threads. Measured
   * through Tensor.matmul on 2 cores: 48³ 10.9 µs split against 8.1 µs whole, 64³ 12.1 against 15.3 µs,
   * 96³ 30 against 45 µs.
   */
  static final long GEMM_PARALLEL_MIN_FLOPS = 1L << 18;

  /**
   * Matrix elements from which a matrix-vector product is split: 200×200 4.4 µs split against 3.6 µs
   * whole, 300×300 6.6–7.6 against 9.8 µs, 1000×200 13–15 against 23 µs.
   */
  static final long GEMV_PARALLEL_MIN_ELEMENTS = 1L << 16;

  /** How many parts to split a kernel of this size into: 1 below the threshold, else up to one per thread. */
  private static int parts(long work, long threshold, int slices) {
    if (work < threshold) return 1;
    return Math.max(1, Math.min(Parallel.PARTS, slices / 4));
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
    // split by rows of the matrix either way, so each thread reads the same slice in both products
    int parts = parts((long) rows * cols, GEMV_PARALLEL_MIN_ELEMENTS, rows);
    DoublePointer px = scratch.buffer(0, x.length);
    px.put(x, 0, x.length);
    DoublePointer py = scratch.buffer(2, (long) outLength * (trans ? parts : 1));
    try {
      Parallel.run(parts, part -> {
        int r0 = Parallel.start(rows, parts, part), r1 = Parallel.start(rows, parts, part + 1);
        DoublePointer slice = matrix.getPointer((long) r0 * cols);
        if (trans) { // partial sum Mᵀ[:, r0:r1] x[r0:r1] into its own segment of py
          openblas_nolapack.cblas_dgemv(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans, r1 - r0, cols,
              1.0, slice, cols, px.getPointer(r0), 1, 0.0, py.getPointer((long) part * cols), 1);
        } else {
          openblas_nolapack.cblas_dgemv(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans, r1 - r0, cols,
              1.0, slice, cols, px, 1, 0.0, py.getPointer(r0), 1);
        }
      });
      double[] y = new double[outLength];
      py.get(y, 0, outLength);
      if (parts > 1 && trans) {
        double[] partial = new double[outLength];
        for (int part = 1; part < parts; part++) {
          py.getPointer((long) part * cols).get(partial, 0, outLength);
          for (int j = 0; j < outLength; j++) y[j] += partial[j];
        }
      }
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
