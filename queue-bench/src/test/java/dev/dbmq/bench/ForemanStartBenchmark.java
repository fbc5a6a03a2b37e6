package dev.dbmq.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * A foreman's start stalls no producer: in a fresh JVM, the first {@value #ENQUEUES} enqueues right after
 * {@code Foreman.start()} returned, against the same enqueues on a queue with no foreman. Each invocation (a single
 * shot) starts a child JVM (same java and classpath, {@link ForemanStartMain}) on a new queue file, as an application
 * that runs its foreman in the same JVM as its web requests does at each deploy.
 *
 * <p>The measure is the child's own figure, from just after {@code start()} returned (with no foreman: just after the
 * queue opened) to the {@value #ENQUEUES}th {@code enqueue} returned, one thread, one task per call; every
 * measurement sample goes to {@code target/foreman-start.json} (median, min, max, and the medians of the first enqueue
 * alone, of {@code start()} itself and of the open). JMH's score is wider: from this JVM starting the process to the
 * child's report line read. Read the two rows of one run as a ratio, started / none (the goal: at most 1.5).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 15)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class ForemanStartBenchmark {

    static final int ENQUEUES = 200;

    /** {@code none}: no foreman; {@code started}: a foreman (defaults, a trivial handler) started first. */
    @Param({"none", "started"})
    String foreman;

    private Path dir;
    private Process child;
    private boolean measuring;
    private final List<long[]> samples = new ArrayList<>(); // {enqueues, first, start, open} ns, measurement only

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Setup(Level.Invocation)
    public void directory() {
        dir = BenchDb.newDirectory();
    }

    @Benchmark
    public long firstEnqueues() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ForemanStartMain.class.getName(),
                foreman.equals("started") ? "foreman" : "none", dir.toString(), Integer.toString(ENQUEUES));
        pb.redirectError(dir.resolve("child-stderr.txt").toFile());
        try {
            child = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] report = readReport();
        if (measuring) {
            samples.add(report);
        }
        return report[0];
    }

    /** Untimed: with a foreman, the child waits until its handler ran every task, then closes and exits. */
    @TearDown(Level.Invocation)
    public void awaitChild() throws Exception {
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IllegalStateException("foreman-start child did not exit; its stderr: " + stderr());
        }
        if (child.exitValue() != 0) {
            throw new IllegalStateException("foreman-start child exited with " + child.exitValue()
                    + "; its stderr: " + stderr());
        }
        BenchDb.deleteTree(dir);
    }

    @TearDown(Level.Trial)
    public void write(BenchmarkParams params) {
        SideResults.put(SideResults.FOREMAN_START, SideResults.key(params), toJson(samples));
        SideResults.recordLoad(params);
    }

    private long[] readReport() {
        String line;
        try {
            line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (line == null || !line.startsWith("foremanstart ")) {
            throw new IllegalStateException("foreman-start child answered " + line + "; its stderr: " + stderr());
        }
        String[] f = line.split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])};
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("child-stderr.txt"));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static String toJson(List<long[]> samples) {
        if (samples.isEmpty()) {
            return "{\"samples\": 0}";
        }
        StringBuilder all = new StringBuilder();
        for (long[] s : samples) {
            all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", s[0] / 1e6));
        }
        long[] enqueues = sorted(samples, 0);
        return String.format(Locale.ROOT, "{\"samples\": %d, \"p50_ms\": %.1f, \"min_ms\": %.1f, \"max_ms\": %.1f, "
                        + "\"first_enqueue_p50_ms\": %.1f, \"start_p50_ms\": %.1f, \"open_p50_ms\": %.1f, "
                        + "\"all_ms\": [%s]}",
                enqueues.length, median(enqueues) / 1e6, enqueues[0] / 1e6, enqueues[enqueues.length - 1] / 1e6,
                median(sorted(samples, 1)) / 1e6, median(sorted(samples, 2)) / 1e6, median(sorted(samples, 3)) / 1e6,
                all);
    }

    private static long[] sorted(List<long[]> samples, int column) {
        return samples.stream().mapToLong(s -> s[column]).sorted().toArray();
    }

    private static double median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
