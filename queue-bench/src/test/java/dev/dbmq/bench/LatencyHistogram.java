package dev.dbmq.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every sample kept (a run has at most a few hundred thousand), sorted at the end for exact percentiles. Results of
 * all benchmarks of a run share one file, {@code wakeup-latency.json} next to jmh-result.json, one entry per
 * benchmark; each fork merges its entry into what earlier forks wrote.
 */
final class LatencyHistogram {

    static final String FILE = "wakeup-latency.json";

    private final String benchmark;
    private long[] nanos = new long[1 << 16];
    private int n;

    LatencyHistogram(String benchmark) {
        this.benchmark = benchmark;
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

    /** Merges this benchmark's line into the file (a flat JSON object, one benchmark per line). */
    void write() {
        Path file = BenchDb.resultDirectory().resolve(FILE);
        Map<String, String> entries = new LinkedHashMap<>();
        Pattern line = Pattern.compile("\\s*\"([^\"]+)\": (\\{.*\\}),?");
        try {
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher m = line.matcher(l);
                    if (m.matches()) {
                        entries.put(m.group(1), m.group(2));
                    }
                }
            }
            entries.put(benchmark, toJson());
            StringBuilder sb = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<String, String> e : entries.entrySet()) {
                sb.append("  \"").append(e.getKey()).append("\": ").append(e.getValue())
                        .append(++i < entries.size() ? ",\n" : "\n");
            }
            sb.append("}\n");
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
