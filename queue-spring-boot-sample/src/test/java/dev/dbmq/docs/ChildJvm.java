package dev.dbmq.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code java -cp … Main} in a directory, as a reader runs a sample; its output read line by line, every wait bounded. */
final class ChildJvm implements AutoCloseable {

    /** Generous: two cores shared with other builds, and a cold JVM that loads jOOQ and Jackson. */
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
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
        }, "doc-child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} in {@code workDir}, stdout and stderr merged. */
    static ChildJvm start(Path workDir, String classpath, String mainClass) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: the test checks what the processes print, not how fast they run
        return new ChildJvm(new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath,
                mainClass).directory(workDir.toFile()).redirectErrorStream(true).start());
    }

    /** Waits for a line that contains {@code text}; returns it. */
    String await(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "timed out waiting for a line with \"" + text + "\"; output: " + output);
            String line = lines.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
            assertTrue(line != null || process.isAlive() || !lines.isEmpty(),
                    "the child exited before printing \"" + text + "\"; output: " + output);
        }
    }

    /** SIGTERM, as a supervisor stops a worker (Process.destroy() would close our pipes). */
    void terminate() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -TERM failed");
    }

    int awaitExit() throws InterruptedException {
        assertTrue(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the child did not exit; output: " + output);
        return process.exitValue();
    }

    List<String> output() {
        return List.copyOf(output);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
