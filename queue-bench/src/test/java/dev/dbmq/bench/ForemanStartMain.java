package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link ForemanStartBenchmark}: an application that opens its queue, maybe starts a foreman in the
 * same JVM (as a Spring Boot app does), and then enqueues from one thread, one task per call, as web requests do.
 * Prints {@code foremanstart <enqueues ns> <first enqueue ns> <start ns> <open ns>} on stdout and exits.
 *
 * <pre>
 *   ForemanStartMain foreman|none DIR N
 * </pre>
 * Enqueues: from just after {@code start()} returned (none: just after the queue opened) to the N-th
 * {@code enqueue} returned. First enqueue: the first of those alone. Start: the {@code start()} call (0 for none).
 * Open: {@code TaskQueue.open}. With a foreman, the child then waits (untimed) until its handler has run all N tasks,
 * so a foreman that lost or stalled them fails the trial instead of being timed as fast.
 */
public final class ForemanStartMain {

    private ForemanStartMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean withForeman = switch (args[0]) {
            case "foreman" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("foreman or none, not " + args[0]);
        };
        Path file = Path.of(args[1]).resolve("queue.db");
        int n = Integer.parseInt(args[2]);
        CountDownLatch ran = new CountDownLatch(n);
        long t0 = System.nanoTime();
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(file).synchronous(Synchronous.NORMAL).build())) {
            long opened = System.nanoTime();
            Foreman foreman = null;
            if (withForeman) {
                foreman = Foreman.builder(queue).handle(BenchDb.TRIVIAL, a -> ran.countDown())
                        .stopOnShutdown(false).start();
            }
            long started = System.nanoTime();
            queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(0));
            long first = System.nanoTime();
            for (int i = 1; i < n; i++) {
                queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(i));
            }
            long end = System.nanoTime();
            System.out.println("foremanstart " + (end - started) + " " + (first - started) + " "
                    + (started - opened) + " " + (opened - t0));
            System.out.flush();
            if (foreman != null) {
                try {
                    if (!ran.await(60, TimeUnit.SECONDS)) {
                        System.err.println("the foreman ran " + (n - ran.getCount()) + " of " + n + " tasks in 60 s");
                        System.exit(3);
                    }
                } finally {
                    foreman.close();
                }
            }
        }
    }
}
