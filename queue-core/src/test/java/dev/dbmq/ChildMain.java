package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import dev.dbmq.internal.Backend;
import dev.dbmq.internal.sqlite.SqliteBackend;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The other process in cross-process tests. A database argument is a SQLite file, or {@code pg:<schema>} for the
 * test PostgreSQL server. Modes:
 * <ul>
 * <li>{@code enqueue <db> <n>}: enqueues n {@link TestTasks#ECHO} tasks one by one, prints "ENQUEUED n".
 * <li>{@code produce <db> <from> <n>}: enqueues ids from..from+n-1 one by one, each its own transaction; prints
 * "PRODUCED n errors=<e> max_us=<worst enqueue latency after the first> first_us=<the first>".
 * <li>{@code enqueue-all <db> <n>}: prints "BEGIN", enqueues n tasks in one enqueueAll, prints "COMMITTED".
 * <li>{@code limited-foreman <db>}: a foreman of {@link LimitContract#LIMITED} (limit 2) on 4 workers, each task
 * printing "RUNNING n" and then holding its place until the process is killed; "STARTED" once started.
 * <li>{@code limited-log-foreman <db> <log file> <workers>}: a foreman of {@link LimitContract#LIMITED} whose
 * handler appends "S n nanoTime" as it starts, works 1 ms, and appends "E n nanoTime" as it ends (unbuffered: a write
 * survives kill -9; System.nanoTime is the host's monotonic clock, the same in every JVM of this machine on Linux).
 * Prints "STARTED".
 * <li>{@code foreman <db>}: runs a foreman (no polling: wakeups only) whose {@link TestTasks#SLOW} handler prints
 * "RUNNING id" and waits for a "release" line on stdin, then prints "DONE id"; prints "STARTED" when up and stops on
 * SIGTERM through the foreman's shutdown hook.
 * <li>{@code log-foreman <db>}: a foreman at INFO whose BOOM handler throws; prints "DRAINED" when idle.
 * <li>{@code open-enqueue <db>}: opens the queue, enqueues one task, closes it, prints "CLOSED": what an application
 * does first, for its log output.
 * <li>{@code recording-foreman <db> <log file> <workers>}: a foreman that appends to its log, unbuffered (a write
 * survives kill -9 of this process): "S taskId" when a task starts, "R n" when the ECHO handler ran with args n,
 * "D taskId" when it finished. Prints "STARTED", "PROGRESS n" every 100 tasks, "IDLE pending=<n>" when idle.
 * <li>{@code producing-foreman <db> <log file> <workers> <from> <n>}: a recording-foreman whose own JVM also
 * enqueues ECHO from..from+n-1 one by one (at most 2 × workers unfinished), so idle moments hand tasks over
 * ({@link Handoff}); appends "P n" once enqueue n returned,
 * prints "HANDED h produced=p" every 200 enqueues (h: tasks handed over so far), "ALL PRODUCED" at the end.
 * <li>{@code retrying-foreman <db> <log file> <workers>}: a foreman of {@link #FLAKY} tasks (they fail as
 * {@link #failures} says, retried by {@code Retry.fixed(50 ms, 3)}) and of the recurring schedule {@link #TICK_NAME}
 * (every 100 ms, running {@link #TICK}). It appends to its log as recording-foreman does: "S id attempt n" when a
 * FLAKY attempt starts, "T id scheduledAtMs startedAtMs" when a tick starts, "E id attempt ok|retry|failed endedAtMs"
 * when an attempt has ended (from the listener, so after a retry or a kept failure was committed). Prints "STARTED",
 * "PROGRESS flakyEnds ticks" every 20 FLAKY ends and after each tick, "IDLE load=<FLAKY rows queued>" when idle.
 * <li>{@code try-foreman-lock <db>}: takes and releases the backend's foreman exclusivity, printing "LOCKED", or
 * "REFUSED message" when another foreman holds it.
 * <li>{@code worker-main <db>}: the getting-started worker (docs/getting-started.md): builds a foreman with start()
 * and returns from main at once, printing "MAIN RETURNS" just before; its ECHO handler prints "RAN n".
 * </ul>
 */
public final class ChildMain {

    /** The retrying-foreman's load: each attempt fails or not as {@link #failures} says for its args. */
    static final Task<TestTasks.Echo> FLAKY = Task.of("flaky", TestTasks.Echo.class)
            .retry(Retry.fixed(Duration.ofMillis(50), 3));
    /** The retrying-foreman's recurring task, {@link #TICK_NAME}, every {@link #TICK_PERIOD}. */
    static final Task<TestTasks.Echo> TICK = Task.of("tick", TestTasks.Echo.class);
    static final String TICK_NAME = "tick";
    static final Duration TICK_PERIOD = Duration.ofMillis(100);

    /** How many first attempts of FLAKY task n throw: none, the first only, or all of them (kept as failed). */
    static int failures(int n) {
        return switch (n % 3) {
            case 0 -> 0;
            case 1 -> 1;
            default -> FLAKY.retry().maxAttempts();
        };
    }

    public static void main(String[] args) throws Exception {
        String db = args[1];
        switch (args[0]) {
            case "enqueue" -> {
                int n = Integer.parseInt(args[2]);
                try (TaskQueue queue = open(db)) {
                    System.out.println("READY");
                    for (int i = 0; i < n; i++) {
                        queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(i));
                    }
                    System.out.println("ENQUEUED " + n);
                }
            }
            case "produce" -> produce(db, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "enqueue-all" -> {
                int n = Integer.parseInt(args[2]);
                List<TestTasks.Echo> all = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    all.add(new TestTasks.Echo(i));
                }
                try (TaskQueue queue = open(db)) {
                    System.out.println("BEGIN");
                    queue.enqueueAll(TestTasks.ECHO, all);
                    System.out.println("COMMITTED");
                }
            }
            case "open-enqueue" -> {
                try (TaskQueue queue = open(db)) {
                    queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1));
                }
                System.out.println("CLOSED");
            }
            case "foreman" -> slowForeman(db);
            case "limited-foreman" -> limitedForeman(db);
            case "limited-log-foreman" -> limitedLogForeman(db, Path.of(args[2]), Integer.parseInt(args[3]));
            case "log-foreman" -> logForeman(db);
            case "worker-main" -> workerMain(db);
            case "try-foreman-lock" -> tryForemanLock(db);
            case "recording-foreman" -> recordingForeman(db, Path.of(args[2]), Integer.parseInt(args[3]),
                    TestTasks.ECHO);
            case "recording-foreman-alo" -> recordingForeman(db, Path.of(args[2]), Integer.parseInt(args[3]),
                    TestTasks.ECHO.delivery(Delivery.AT_LEAST_ONCE).retry(Retry.fixed(Duration.ofMillis(1), 10)));
            case "producing-foreman" -> producingForeman(db, Path.of(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "retrying-foreman" -> retryingForeman(db, Path.of(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void tryForemanLock(String db) {
        try (Backend backend = new SqliteBackend(QueueSettings.sqlite(Path.of(db)).build())) {
            backend.exclusivity().acquire("child pid " + ProcessHandle.current().pid()).close();
            System.out.println("LOCKED");
        } catch (DbmqException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }

    /** {@link LimitContract#LIMITED}'s tasks, limit 2, each printing "RUNNING n" and holding its place until killed. */
    private static void limitedForeman(String db) throws Exception {
        TaskQueue queue = open(db);
        CountDownLatch never = new CountDownLatch(1);
        Foreman.builder(queue)
                .workers(4)
                .handle(LimitContract.LIMITED, a -> {
                    System.out.println("RUNNING " + a.n());
                    never.await();
                })
                .pollInterval(Duration.ofHours(1))
                .start();
        System.out.println("STARTED");
        never.await();
    }

    private static void limitedLogForeman(String db, Path log, int workers) throws Exception {
        FileOutputStream out = new FileOutputStream(log.toFile(), true);
        Foreman.builder(open(db))
                .workers(workers)
                .handle(LimitContract.LIMITED, a -> {
                    record(out, "S " + a.n() + " " + System.nanoTime());
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // the work
                    record(out, "E " + a.n() + " " + System.nanoTime());
                })
                .start();
        System.out.println("STARTED");
        Thread.currentThread().join();
    }

    static TaskQueue open(String db) {
        if (db.startsWith("pg:")) {
            return TaskQueue.open(QueueSettings.postgres(PostgresSupport.pool(4)).schema(db.substring(3)).build());
        }
        return TaskQueue.sqlite(Path.of(db));
    }

    private static void produce(String db, int from, int n) {
        long errors = 0;
        long first = 0;
        long worst = 0;
        try (TaskQueue queue = open(db)) {
            System.out.println("READY");
            for (int i = from; i < from + n; i++) {
                long t0 = System.nanoTime();
                try {
                    queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(i));
                } catch (RuntimeException e) {
                    errors++;
                    System.out.println("ERROR " + i + " " + e);
                }
                long took = System.nanoTime() - t0;
                if (i == from) {
                    first = took; // class loading and JIT: reported apart
                } else {
                    worst = Math.max(worst, took);
                }
            }
        }
        System.out.println("PRODUCED " + n + " errors=" + errors + " max_us=" + worst / 1000 + " first_us="
                + first / 1000);
    }

    /** Nothing holds this JVM but the foreman: main returns right after start(), as the getting-started worker does. */
    private static void workerMain(String db) {
        TaskQueue queue = open(db);
        Foreman foreman = Foreman.builder(queue)
                .handle(TestTasks.ECHO, a -> System.out.println("RAN " + a.n()))
                .start();
        System.out.println("MAIN RETURNS " + foreman.id());
    }

    private static void slowForeman(String db) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
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
        TaskQueue queue = open(db);
        Foreman foreman = Foreman.builder(queue)
                .handle(TestTasks.SLOW, a -> {
                    System.out.println("RUNNING " + a.n());
                    release.await();
                    System.out.println("DONE " + a.n());
                })
                .handle(TestTasks.SLOW_AGAIN, a -> {
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

    /** A foreman at the default INFO level that fails tasks in every way; prints "DRAINED" when idle. */
    private static void logForeman(String db) throws Exception {
        TaskQueue queue = open(db);
        Foreman.builder(queue)
                .handle(TestTasks.ECHO, a -> { })
                .handle(TestTasks.BOOM, a -> {
                    throw new IllegalStateException("handler failed");
                })
                .listener(new ForemanListener() {
                    @Override
                    public void idle(ForemanEvent.Idle e) {
                        System.out.println("DRAINED");
                    }
                })
                .start();
        Thread.currentThread().join();
    }

    private static void recordingForeman(String db, Path log, int workers, Task<TestTasks.Echo> echo)
            throws Exception {
        FileOutputStream out = new FileOutputStream(log.toFile(), true); // unbuffered: each write is a syscall
        startRecordingForeman(open(db), out, workers, () -> { }, echo);
        Thread.currentThread().join();
    }

    private static void producingForeman(String db, Path log, int workers, int from, int n) throws Exception {
        FileOutputStream out = new FileOutputStream(log.toFile(), true);
        TaskQueue queue = open(db);
        // At most 2 × workers unfinished: the foreman keeps up and is idle now and then, so some enqueues hand over.
        java.util.concurrent.Semaphore unfinished = new java.util.concurrent.Semaphore(2 * workers);
        Foreman foreman = startRecordingForeman(queue, out, workers, unfinished::release);
        for (int i = 0; i < n; i++) {
            unfinished.acquire();
            queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(from + i));
            record(out, "P " + (from + i));
            if (i % 200 == 199) {
                System.out.println("HANDED " + foreman.handedOver() + " produced=" + (i + 1));
            }
        }
        System.out.println("ALL PRODUCED");
        Thread.currentThread().join();
    }

    private static Foreman startRecordingForeman(TaskQueue queue, FileOutputStream out, int workers,
                                                 Runnable afterEach) {
        return startRecordingForeman(queue, out, workers, afterEach, TestTasks.ECHO);
    }

    private static Foreman startRecordingForeman(TaskQueue queue, FileOutputStream out, int workers,
                                                 Runnable afterEach, Task<TestTasks.Echo> echo) {
        AtomicLong done = new AtomicLong();
        Foreman foreman = Foreman.builder(queue)
                .workers(workers)
                .pollInterval(Duration.ofSeconds(1))
                .handle(echo, a -> {
                    record(out, "R " + a.n());
                    afterEach.run();
                    if (done.incrementAndGet() % 100 == 0) {
                        System.out.println("PROGRESS " + done.get());
                    }
                })
                .listener(new ForemanListener() {
                    @Override
                    public void taskStarted(TaskEvent.Started e) {
                        record(out, "S " + e.taskId());
                    }

                    @Override
                    public void taskSucceeded(TaskEvent.Succeeded e) {
                        record(out, "D " + e.taskId());
                    }

                    @Override
                    public void idle(ForemanEvent.Idle e) {
                        System.out.println("IDLE pending=" + queue.pending());
                    }
                })
                .start();
        System.out.println("STARTED " + foreman.id());
        return foreman;
    }

    private static void retryingForeman(String db, Path log, int workers) throws Exception {
        FileOutputStream out = new FileOutputStream(log.toFile(), true); // unbuffered: each write is a syscall
        AtomicLong ends = new AtomicLong();
        AtomicLong ticks = new AtomicLong();
        TaskQueue queue = open(db);
        Foreman foreman = Foreman.builder(queue)
                .workers(workers)
                .pollInterval(Duration.ofSeconds(1))
                .handle(FLAKY, (a, ctx) -> {
                    record(out, "S " + ctx.id() + " " + ctx.attempt() + " " + a.n());
                    Thread.sleep(2); // work: a kill finds attempts in flight
                    if (ctx.attempt() <= failures(a.n())) {
                        throw new IllegalStateException("flaky " + a.n() + " fails attempt " + ctx.attempt());
                    }
                })
                .handle(TICK, (a, ctx) -> {
                    record(out, "T " + ctx.id() + " " + ctx.scheduledAt().toEpochMilli() + " "
                            + System.currentTimeMillis());
                })
                .recurring(TICK_NAME, Schedule.every(TICK_PERIOD), TICK, new TestTasks.Echo(0))
                .listener(new ForemanListener() {
                    @Override
                    public void taskSucceeded(TaskEvent.Succeeded e) {
                        ended(e, "ok");
                    }

                    @Override
                    public void taskRetrying(TaskEvent.Retrying e) {
                        ended(e, "retry");
                    }

                    @Override
                    public void taskFailed(TaskEvent.Failed e) {
                        ended(e, "failed");
                    }

                    private void ended(TaskEvent e, String outcome) {
                        record(out, "E " + e.taskId() + " " + e.attempt() + " " + outcome + " "
                                + System.currentTimeMillis());
                        if (e.taskName().equals(TICK.name())) {
                            System.out.println("PROGRESS " + ends.get() + " " + ticks.incrementAndGet());
                        } else if (ends.incrementAndGet() % 20 == 0) {
                            System.out.println("PROGRESS " + ends.get() + " " + ticks.get());
                        }
                    }

                    @Override
                    public void taskRejected(TaskEvent.Rejected e) {
                        System.out.println("REJECTED " + e.taskId() + " " + e.reason());
                    }

                    @Override
                    public void idle(ForemanEvent.Idle e) {
                        System.out.println("IDLE load=" + queue.database().autocommit(d -> d.fetchCount(
                                DBMQ_TASK, DBMQ_TASK.TASK_NAME.eq(FLAKY.name()))));
                    }
                })
                .start();
        System.out.println("STARTED " + foreman.id());
        Thread.currentThread().join();
    }

    private static void record(FileOutputStream out, String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        synchronized (out) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
