package dev.dbmq;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The other process in cross-process tests. Modes:
 * <ul>
 * <li>{@code enqueue <db> <n>}: enqueues n {@link TestTasks#ECHO} tasks one by one, prints "ENQUEUED n".
 * <li>{@code foreman <db>}: runs a foreman (no polling: wakeups only) whose {@link TestTasks#SLOW} handler prints
 * "RUNNING id" and waits for a "release" line on stdin, then prints "DONE id"; prints "STARTED" when up and stops on
 * SIGTERM through the foreman's shutdown hook.
 * </ul>
 */
public final class ChildMain {

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[1]);
        switch (args[0]) {
            case "enqueue" -> {
                int n = Integer.parseInt(args[2]);
                try (TaskQueue queue = TaskQueue.sqlite(db)) {
                    System.out.println("READY");
                    for (int i = 0; i < n; i++) {
                        queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(i));
                    }
                    System.out.println("ENQUEUED " + n);
                }
            }
            case "foreman" -> {
                CountDownLatch release = new CountDownLatch(1);
                Thread stdin = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in,
                            StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            if (line.equals("release")) {
                                release.countDown();
                            }
                        }
                    } catch (Exception ignored) {
                        // parent gone
                    }
                });
                stdin.setDaemon(true);
                stdin.start();
                TaskQueue queue = TaskQueue.sqlite(db);
                Foreman foreman = Foreman.builder(queue)
                        .handle(TestTasks.SLOW, a -> {
                            System.out.println("RUNNING " + a.n());
                            release.await();
                            System.out.println("DONE " + a.n());
                        })
                        .handle(TestTasks.ECHO, a -> System.out.println("ECHO " + a.n()))
                        .pollInterval(Duration.ofHours(1))
                        .gracefulTimeout(Duration.ofSeconds(60))
                        .start();
                System.out.println("STARTED " + foreman.id());
                Thread.currentThread().join(); // until SIGTERM; the shutdown hook stops the foreman
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
