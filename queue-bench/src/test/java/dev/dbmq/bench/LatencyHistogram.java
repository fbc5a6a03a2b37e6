package dev.dbmq.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Every sample kept (a run has at most a few hundred thousand), sorted at the end for exact percentiles; written to
 * {@link SideResults#WAKEUP_LATENCY} (or another side-result file) under the benchmark's key.
 */
final class LatencyHistogram {

    private final String benchmark;
    private final String fileName;
    private long[] nanos = new long[1 << 16];
    private int n;

    LatencyHistogram(String benchmark) {
        this(benchmark, SideResults.WAKEUP_LATENCY);
    }

    /** A histogram written to another side-result file (e.g. {@link SideResults#PG_ENQUEUE_PHASE}). */
    LatencyHistogram(String benchmark, String fileName) {
        this.benchmark = benchmark;
        this.fileName = fileName;
    }

    void add(long latencyNanos) {
        if (n == nanos.length) {
            nanos = Arrays.copyOf(nanos, n * 2);
        }
        nanos[n++] = latencyNanos;
    }

    private double percentileMicros(double p) {
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        int i = (int) Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
        return sorted[i] / 1000.0;
    }

    String toJson() {
        if (n == 0) {
            return "{\"samples\": 0}";
        }
        return String.format(Locale.ROOT,
                "{\"samples\": %d, \"p50_us\": %.1f, \"p90_us\": %.1f, \"p99_us\": %.1f, \"p99.9_us\": %.1f, "
                        + "\"max_us\": %.1f}",
                n, percentileMicros(0.50), percentileMicros(0.90), percentileMicros(0.99), percentileMicros(0.999),
                percentileMicros(1.0));
    }

    void write() {
        SideResults.put(fileName, benchmark, toJson());
    }
}
