package dev.dbmq;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What {@link ColdLoadGate}'s tests run inside the gate, on a cold copy of dbmq, jOOQ and Jackson: an application
 * that starts a foreman and enqueues at once, as a web application's requests do, while the foreman meets every kind
 * of statement it runs: the unhandled check that finds a task and keeps it (unhandledTimeout 0), claims of three
 * names, a recurring schedule's instances, args it can't decode (kept as failed at the claim), a retry and a kept
 * failure written by workers, counts flushed. The probe the gate runs is three enqueues by a producer thread.
 *
 * <p>Loaded by the gate (public, with a constructor of JDK types only): the test's own classes are another copy.
 */
public final class StartStallScenario implements Callable<String> {

    static final Task<TestTasks.Echo> PROBE = Task.of("probe", TestTasks.Echo.class);
    static final Task<TestTasks.Echo> FLAKY = Task.of("flaky", TestTasks.Echo.class)
            .retry(Retry.fixed(Duration.ofMillis(20), 2));
    /** The name FLAKY has, with args FLAKY's handler can't decode. */
    static final Task<String> FLAKY_AS_TEXT = Task.of("flaky", String.class);
    /** No handler in this foreman. */
    static final Task<TestTasks.Echo> ELSEWHERE = Task.of("elsewhere", TestTasks.Echo.class);
    static final Task<TestTasks.Echo> TICK = Task.of("tick", TestTasks.Echo.class);

    private final String database;
    private final Consumer<Runnable> probeSink;

    /**
     * @param database  {@code sqlite:<file>}, or {@code pg:<schema>} on the tests' PostgreSQL server through a pool of
     *                  2 connections: the foreman's LISTEN holds one, so producers, the foreman and its workers share
     *                  the other, as in an application whose pool is just big enough
     * @param probeSink takes the probe the gate runs
     */
    public StartStallScenario(String database, Consumer<Runnable> probeSink) {
        this.database = database;
        this.probeSink = probeSink;
    }

    @Override
    public String call() throws Exception {
        HikariDataSource pool = null;
        QueueSettings settings;
        if (database.startsWith("pg:")) {
            pool = PostgresSupport.pool(2);
            settings = QueueSettings.postgres(pool).schema(database.substring(3)).build();
        } else {
            settings = QueueSettings.sqlite(Path.of(database.substring("sqlite:".length()))).build();
        }
        try (TaskQueue queue = TaskQueue.open(settings)) {
            return run(queue);
        } finally {
            if (pool != null) {
                PostgresSupport.dropSchema(pool, database.substring(3));
                pool.close();
            }
        }
    }

    private String run(TaskQueue queue) {
        Recorder recorder = new Recorder();
        queue.enqueue(ELSEWHERE, new TestTasks.Echo(0)); // waiting at start: found and kept by the unhandled check
        AtomicInteger probes = new AtomicInteger();
        probeSink.accept(() -> {
            for (int i = 0; i < 3; i++) {
                queue.enqueue(PROBE, new TestTasks.Echo(probes.incrementAndGet()));
            }
        });
        Foreman foreman = Foreman.builder(queue)
                .handle(PROBE, args -> { })
                .handle(FLAKY, (args, context) -> {
                    if (args.n() == 2 || context.attempt() == 1) {
                        throw new IllegalStateException("flaky " + args.n() + " attempt " + context.attempt());
                    }
                })
                .handle(TICK, args -> { })
                .recurring("tick", Schedule.every(Duration.ofMillis(50)), TICK, new TestTasks.Echo(0))
                .unhandledTimeout(Duration.ZERO)
                .listener(recorder)
                .stopOnShutdown(false)
                .start();
        try {
            // Producers enqueue right after start(), as requests do; the probe enqueues on its own thread
            for (int i = 0; i < 20; i++) {
                queue.enqueue(PROBE, new TestTasks.Echo(-i));
            }
            queue.enqueue(FLAKY, new TestTasks.Echo(1));            // fails once: a worker writes its retry
            queue.enqueue(FLAKY, new TestTasks.Echo(2));            // fails twice: a worker keeps it as failed
            queue.enqueue(FLAKY_AS_TEXT, "not an echo");            // rejected by the claim: kept as failed
            recorder.awaitCount("rejected", 2);                     // that one, and the unhandled one
            recorder.awaitCount("failed", 1);
            recorder.await(() -> recorder.events.stream().filter(e -> e.kind().equals("started")
                    && "tick".equals(e.taskName())).count() >= 2, "two ticks (each claim wrote the next one)");
            recorder.await(() -> queue.stats().counts().getOrDefault("flaky", new QueueStats.TaskCounts(0, 0))
                    .failed() >= 1, "the failure counted (counts flushed)");
            return "rejected " + recorder.count("rejected") + ", retrying " + recorder.count("retrying")
                    + ", failed " + recorder.count("failed") + ", succeeded " + recorder.count("succeeded")
                    + ", probes " + probes.get();
        } finally {
            foreman.close();
        }
    }
}
