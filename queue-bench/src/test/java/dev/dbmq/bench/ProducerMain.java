package dev.dbmq.bench;

import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The producer in a second JVM, for the cross-process benchmarks: a web process's view of the queue (no foreman
 * here, so every enqueue wakes the foreman through the wakeup directory). Driven line by line on stdin; answers one
 * line on stdout per command, so the benchmark waits on answers, never on sleeps.
 *
 * <pre>
 *   (start)        → ready
 *   enqueue N      → ok T C N enqueues, one transaction each; T = System.nanoTime() after the last returned, C =
 *                           System.nanoTime() just before the first was called
 *   enqueueAll N   → ok T   one enqueueAll of N tasks
 *   quit           → (exits)
 * </pre>
 * System.nanoTime is CLOCK_MONOTONIC on Linux, so T compares with the foreman JVM's clock.
 */
public final class ProducerMain {

    private ProducerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Synchronous synchronous = Synchronous.valueOf(args[1]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (TaskQueue queue = BenchDb.openQueue(dir, synchronous);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            out.println("ready");
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.split(" ");
                String called = "";
                switch (cmd[0]) {
                    case "enqueue" -> {
                        int n = Integer.parseInt(cmd[1]);
                        called = " " + System.nanoTime();
                        for (int i = 0; i < n; i++) {
                            queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(i));
                        }
                    }
                    case "enqueueAll" -> {
                        int n = Integer.parseInt(cmd[1]);
                        List<BenchDb.Trivial> batch = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            batch.add(new BenchDb.Trivial(i));
                        }
                        queue.enqueueAll(BenchDb.TRIVIAL, batch);
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                }
                out.println("ok " + System.nanoTime() + called);
                out.flush();
            }
        }
    }
}
