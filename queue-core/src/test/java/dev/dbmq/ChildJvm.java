package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A second JVM running {@link ChildMain}, talked to through stdin/stdout lines; every wait has a timeout. */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> output = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Flags for the test's child JVMs: short-lived and many at once on two cores, they spend much of their CPU on the
     * optimizing JIT compiler and the parallel collector's threads, which the tests don't need (what they check is
     * what the processes write and survive, not how fast).
     */
    static final List<String> CHILD_JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    public static ChildJvm start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(CHILD_JVM_FLAGS);
        cmd.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.logFile=System.out",
                ChildMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Any other JVM: {@code java -cp <classpath> <mainClass> <args>} in {@code workDir}, output merged. */
    static ChildJvm startMain(Path workDir, String classpath, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath, mainClass));
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start());
    }

    /**
     * A child with slf4j-simple's own defaults, as in an application that adds it and configures nothing: no system
     * properties, and an empty {@code simplelogger.properties} ahead of the test one on the class path (the first
     * found wins). Log lines go to stderr, which is merged into {@link #output}.
     */
    static ChildJvm startWithPlainLogging(Path emptyDir, String... args) throws IOException {
        Path config = emptyDir.resolve("simplelogger.properties");
        java.nio.file.Files.writeString(config, "");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", emptyDir + java.io.File.pathSeparator + System.getProperty("java.class.path")));
        if (Runtime.version().feature() >= 22) {
            // JDK 24+ warns on stderr that sqlite-jdbc loads its native library (JEP 472) unless the application
            // allows it, as the README says; the JDK's line, not dbmq's, so allowed here as an application would
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add(ChildMain.class.getName());
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Waits for a line that starts with one of the prefixes or, for log lines, contains it; returns it. */
    public String await(String... prefixes) throws InterruptedException {
        String prefix = String.join(" or ", prefixes);
        long deadline = System.nanoTime() + Recorder.TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "timed out waiting for a line starting with " + prefix + "; output: " + output);
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            for (String p : prefixes) {
                if (line != null && (line.startsWith(p) || line.contains("] ") && line.contains(p))) {
                    return line;
                }
            }
            assertTrue(line != null || process.isAlive() || !lines.isEmpty(),
                    "child exited before printing " + prefix + "; output: " + output);
        }
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** SIGTERM, keeping our pipes open (Process.destroy() would close them, losing what the child prints next). */
    void terminate() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -TERM failed");
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }

    public int awaitExit() throws InterruptedException {
        assertTrue(process.waitFor(Recorder.TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                "child did not exit; output: " + output);
        return process.exitValue();
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
