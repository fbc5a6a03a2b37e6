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
 * Cold start: a fresh JVM to its first committed task. Each invocation (a single shot) starts a child
 * JVM, the same java and classpath as this one (as {@link ProducerProcess}), running {@link ColdStartMain}.
 *
 * <p>Two figures per invocation. The measure: the child's own, from the first line of its main() to the task
 * committed (enqueue returned), which it prints; every measurement sample goes to {@code target/cold-start.json}
 * (median, min, max, and the open alone). JMH's score is wider: from this JVM starting the process to the child's
 * report line read, so it also counts the JVM's own start-up (the same for every row).
 *
 * <p>Rows: {@code client} dbmq ({@code TaskQueue.open}, one {@code enqueue}) or rawJdbc (the floor: the same driver
 * and SQLite settings, WAL, CREATE TABLE on a new file, one INSERT in autocommit), on a {@code file} that is new (a
 * fresh directory per invocation) or existing (made once per trial by an untimed child run of the new-file kind, so
 * dbmq's is at the current schema version with a task pending; each invocation adds one). Compare the rows as ratios
 * dbmq / rawJdbc within one run.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 15)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class ColdStartBenchmark {

    @Param({"dbmq", "rawJdbc"})
    String client;

    @Param({"new", "existing"})
    String file;

    private Path trialDir;
    private Path dir;
    private Process child;
    private boolean measuring;
    private final List<long[]> samples = new ArrayList<>(); // {total ns, open ns} of measurement iterations

    @Setup(Level.Trial)
    public void makeExistingFile() throws Exception {
        if (file.equals("existing")) {
            trialDir = BenchDb.newDirectory();
            start("new", trialDir);
            readReport();
            awaitExit();
        }
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Setup(Level.Invocation)
    public void directory() {
        dir = file.equals("new") ? BenchDb.newDirectory() : trialDir;
    }

    @Benchmark
    public long firstCommit() {
        start(file, dir);
        long[] report = readReport();
        if (measuring) {
            samples.add(report);
        }
        return report[0];
    }

    /** Untimed: the child closes its queue and exits after its report. */
    @TearDown(Level.Invocation)
    public void awaitChild() throws Exception {
        awaitExit();
        if (file.equals("new")) {
            BenchDb.deleteTree(dir);
        }
    }

    @TearDown(Level.Trial)
    public void write(BenchmarkParams params) {
        BenchDb.deleteTree(trialDir);
        SideResults.put(SideResults.COLD_START, SideResults.key(params), toJson(samples));
        SideResults.recordLoad(params);
    }

    private void start(String fileKind, Path in) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ColdStartMain.class.getName(), client, fileKind,
                in.toString());
        pb.redirectError(in.resolve("child-stderr.txt").toFile());
        try {
            child = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long[] readReport() {
        String line;
        try {
            line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (line == null || !line.startsWith("coldstart ")) {
            throw new IllegalStateException("cold-start child answered " + line + "; its stderr: " + stderr());
        }
        String[] f = line.split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    private void awaitExit() throws InterruptedException {
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IllegalStateException("cold-start child did not exit; its stderr: " + stderr());
        }
        if (child.exitValue() != 0) {
            throw new IllegalStateException("cold-start child exited with " + child.exitValue() + "; its stderr: "
                    + stderr());
        }
    }

    private String stderr() {
        try {
            return Files.readString(dir != null ? dir.resolve("child-stderr.txt")
                    : trialDir.resolve("child-stderr.txt"));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static String toJson(List<long[]> samples) {
        if (samples.isEmpty()) {
            return "{\"samples\": 0}";
        }
        long[] total = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        long[] open = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        StringBuilder all = new StringBuilder();
        for (long[] s : samples) {
            all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", s[0] / 1e6));
        }
        return String.format(Locale.ROOT, "{\"samples\": %d, \"p50_ms\": %.1f, \"min_ms\": %.1f, \"max_ms\": %.1f, "
                        + "\"open_p50_ms\": %.1f, \"all_ms\": [%s]}",
                total.length, median(total) / 1e6, total[0] / 1e6, total[total.length - 1] / 1e6,
                median(open) / 1e6, all);
    }

    private static double median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
