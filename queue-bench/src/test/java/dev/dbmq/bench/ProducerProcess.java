package dev.dbmq.bench;

import dev.dbmq.Synchronous;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The benchmark's handle on a {@link ProducerMain} in a second JVM: one command line out, one answer line back. */
final class ProducerProcess implements AutoCloseable {

    private final Process process;
    private final Writer toChild;
    private final BufferedReader fromChild;

    ProducerProcess(Path dir, Synchronous synchronous) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ProducerMain.class.getName(),
                dir.toString(), synchronous.name());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        toChild = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        fromChild = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String hello = readLine();
        if (!"ready".equals(hello)) {
            throw new IllegalStateException("producer JVM did not start: " + hello);
        }
    }

    /** Sends the command without waiting for the answer. */
    void send(String command) {
        try {
            toChild.write(command);
            toChild.write('\n');
            toChild.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the answer to a command: the producer's System.nanoTime() once it finished. */
    long awaitOk() {
        return answer()[0];
    }

    /** Waits for the answer to an {@code enqueue}: the producer's System.nanoTime() before the call, after it. */
    long[] awaitCallAndReturn() {
        long[] answer = answer();
        if (answer.length != 2) {
            throw new IllegalStateException("producer JVM answered without the call's time");
        }
        return new long[] {answer[1], answer[0]};
    }

    /** "ok T" or "ok T C", as numbers. */
    private long[] answer() {
        String line = readLine();
        if (line == null || !line.startsWith("ok ")) {
            throw new IllegalStateException("producer JVM answered " + line);
        }
        String[] parts = line.substring(3).split(" ");
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = Long.parseLong(parts[i]);
        }
        return numbers;
    }

    private String readLine() {
        try {
            return fromChild.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            send("quit");
        } catch (UncheckedIOException ignored) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
