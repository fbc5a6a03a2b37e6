package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Main} in a JVM of its own, on the test classpath; its stdout is followed line by line so a test can
 * wait for a line (readiness, "stopped") rather than for time to pass. Stderr (the log) goes to a file, shown on failure.
 */
final class DemoProcess implements AutoCloseable {

    private static final String EOF = "\u0000eof";
    private static final long TAIL_NANOS = Duration.ofMillis(10).toNanos();

    private final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private DemoProcess(String name, Process process, Path stdout, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread reader = new Thread(() -> tail(stdout), "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static DemoProcess start(Path dir, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path stdout = dir.resolve(name + ".out");
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(log.toFile()).start();
        return new DemoProcess(name, p, stdout, log);
    }

    /**
     * Follows the stdout file into {@link #lines} until the process has exited and all is read. A file rather than
     * a pipe: on JDK 17 the pipe reader can fail with "Stream closed" as the process exits, losing the last lines.
     */
    private void tail(Path stdout) {
        try (BufferedReader in = Files.newBufferedReader(stdout, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            while (true) {
                boolean exited = !process.isAlive(); // before reading: then what follows is all there is
                int c = in.read();
                if (c == -1) {
                    if (exited) {
                        break;
                    }
                    LockSupport.parkNanos(TAIL_NANOS); // a file has no "more data" signal
                } else if (c == '\n') {
                    lines.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            if (!line.isEmpty()) {
                lines.add(line.toString());
            }
        } catch (IOException e) {
            lines.add("(stdout unreadable: " + e + ")");
        } finally {
            lines.add(EOF);
        }
    }

    /** Waits for a stdout line matching {@code regex} and returns its first group (or the whole line). */
    String awaitLine(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                fail(name + ": no line matching /" + regex + "/ " + (line == null ? "within " + timeout
                        : "before its stdout closed") + "; stdout so far: " + seen + "; log:\n" + log());
            }
            seen.add(line);
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : line;
            }
        }
    }

    /** Sends SIGTERM, as Ctrl-C or a service manager would, and waits for the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail(name + " did not exit within " + timeout + " of SIGTERM; log:\n" + log());
        }
        return process.exitValue();
    }

    /** Waits for the process to exit by itself. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail(name + " did not exit within " + timeout + "; log:\n" + log());
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
