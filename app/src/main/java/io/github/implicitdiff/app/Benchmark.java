package io.github.implicitdiff.app;

/**
 * A benchmark run by {@code implicitdiff bench <name>}: it times tasks (see
 * {@link io.github.implicitdiff.app.bench.Timing} and {@link io.github.implicitdiff.app.bench.HeapMeter}),
 * prints a table and returns JSON fields and plots. Register it with one line in
 * {@link Registry#standard()}. Same contract as {@link Experiment}.
 */
public interface Benchmark extends Command {}
