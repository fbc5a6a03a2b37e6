package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Main} in a JVM of its own, on the test classpath; its stdout is followed line by line so a test can
 * wait for a line (readiness, "stopped") rather than for time to pass. Stderr (the log) goes to a file, shown on failure.
 */
final class DemoProcess implements AutoCloseable {

    private static final String EOF = "\u0000eof";

    private final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private DemoProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::read, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static DemoProcess start(Path dir, String name, String... args) throws IOException {
        return start(dir, name, List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()), args);
    }

    /** {@code java -jar jar args…}, as the README runs the demo. */
    static DemoProcess startJar(Path dir, String name, Path jar, String... args) throws IOException {
        return start(dir, name, List.of("-jar", jar.toString()), args);
    }

    private static DemoProcess start(Path dir, String name, List<String> launch, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only and the serial collector: these JVMs are short-lived and several run at once on two cores, where the
        // optimizing compiler's and the parallel collector's threads cost CPU the tests don't need (they check what the
        // processes do, not how fast). The flags go before -jar, so the demo runs as the README runs it.
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(launch);
        command.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        return new DemoProcess(name, p, log);
    }

    /**
     * Reads stdout into {@link #lines} until the process closes it. The pipe stays open through SIGTERM because
     * {@link #terminate} signals with kill(1): Process.destroy() would close our end and lose the last lines.
     */
    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
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

    /** Waits for the process to close its stdout and returns the lines not yet awaited, each ending in a newline. */
    String awaitRestOfOutput(Duration timeout) throws InterruptedException {
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail(name + ": stdout still open after " + timeout + "; stdout so far: " + seen + out + "; log:\n"
                        + log());
            }
            if (line.equals(EOF)) {
                return out.toString();
            }
            seen.add(line);
            out.append(line).append('\n');
        }
    }

    /** Sends SIGTERM, as Ctrl-C or a service manager would, and waits for the exit code. */
    int terminate(Duration timeout) throws InterruptedException, IOException {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -TERM " + process.pid() + " failed");
        }
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
