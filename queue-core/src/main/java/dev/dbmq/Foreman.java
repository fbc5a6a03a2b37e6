package dev.dbmq;

import dev.dbmq.internal.Backend;
import dev.dbmq.internal.Durations;
import dev.dbmq.internal.Exclusivity;
import dev.dbmq.internal.WakeupSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side: claims tasks from a {@link TaskQueue} and runs them on a bounded pool of worker threads.
 *
 * <pre>{@code
 * Foreman foreman = Foreman.builder(queue)
 *         .handle(DIGEST, args -> digest(args.eventId()))
 *         .workers(4)
 *         .start();
 * // … at shutdown (or on SIGTERM/SIGINT, through a shutdown hook):
 * foreman.close();
 * }</pre>
 *
 * <p>Guarantee: at most once. A task is deleted from the queue in the same transaction that claims it, before its
 * handler runs. A crash (kill -9, power loss) loses the tasks running at that moment, at most {@code workers} of
 * them; a stop past {@code gracefulTimeout} interrupts and then abandons the handlers still running. Tasks that can't
 * run, and tasks whose handler threw, are kept in the failed-tasks table.
 *
 * <p>On SQLite one foreman runs per database: a second one, in this JVM or another process, is refused at start by
 * an OS file lock that the kernel releases when the process dies.
 *
 * <p>Lanes ({@link Builder#lane}): each lane's tasks run on workers of its own, claimed by a loop thread of its own, so
 * a lane whose workers are all busy delays no other lane's tasks.
 *
 * <p>Threads: one "dbmq-foreman" thread claims (one more per lane other than the default, "dbmq-foreman-LANE");
 * {@code workers} "dbmq-worker" threads run handlers (each lane's own); one
 * "dbmq-wakeup" thread watches the wakeup directory (on PostgreSQL a "dbmq-listen" thread LISTENs). All are daemon
 * threads: an abandoned handler or a claim stuck in the database does not keep the JVM alive. They survive whatever
 * they meet (failing databases, interrupts, throwing listeners); if one still ends without a stop request, the
 * foreman says so: {@link #state()} turns {@link State#FAILED}, an ERROR line names the cause, and
 * {@link ForemanListener#foremanFailed} is called.
 *
 * <p>The JVM: a started foreman keeps it running, as a server socket does, so a worker process may be a
 * {@code main} that calls {@code start()} and returns (with daemon threads only, such a JVM ended right after
 * {@code main}). One non-daemon "dbmq-alive" thread, which does nothing but wait, holds the JVM from {@code start()}
 * until {@link #close()} has stopped the foreman, or until the foreman turns {@link State#FAILED} (a worker process
 * then ends, and its supervisor can start a new one; it ends with status 0, so a supervisor that restarts only on
 * failure needs {@link ForemanListener#foremanFailed} to exit non-zero). So:
 * <ul>
 * <li>{@code stopOnShutdown(true)} (the default): SIGTERM or SIGINT stops the foreman gracefully in the JVM's
 * shutdown hook, and the JVM ends once it has stopped (status 143 or 130);
 * <li>{@code stopOnShutdown(false)}: the application calls {@code close()} in its own shutdown sequence, and the JVM
 * may end once it has. A foreman it never closes keeps the JVM up until a signal or {@code System.exit}, which then
 * cut its running handlers off without a graceful stop;
 * <li>{@link Builder#startManual()} and {@link Builder#startEager()} start no threads and never hold the JVM.
 * </ul>
 */
public final class Foreman implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Foreman.class);

    /** Default {@link Builder#workers}: 4. */
    public static final int DEFAULT_WORKERS = 4;
    /** Default {@link Builder#batchSize}: 100. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Default {@link Builder#gracefulTimeout}: 10 s. */
    public static final Duration DEFAULT_GRACEFUL_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link Builder#pollInterval}: 1 s. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /**
     * Default {@link Builder#unhandledTimeout}: 14 days, as db-scheduler's {@code deleteUnresolvedAfter}. Long enough
     * for any rolling deploy, a weekend, or a foreman of the new version that is down for days; short enough that a
     * task type dropped for good (or mistyped) ends where operators look, with its args, instead of waiting forever.
     */
    public static final Duration DEFAULT_UNHANDLED_TIMEOUT = Duration.ofDays(14);
    /** How often a foreman looks for tasks it has no handler for (and logs each such name at WARN). */
    static final Duration UNHANDLED_CHECK_INTERVAL = Duration.ofMinutes(5);
    /** How long close() waits for interrupted handlers after the graceful timeout before abandoning them. */
    static final Duration INTERRUPT_GRACE = Duration.ofMillis(500);
    /** The final flush of counts gets at least this long, even past the deadline. */
    private static final long FINAL_FLUSH_MIN_NANOS = 100_000_000L;

    /** Where a foreman is in its life. */
    public enum State {
        /** Claiming and running tasks. */
        RUNNING,
        /**
         * One of its threads ended without a stop request (logged at ERROR, reported to
         * {@link ForemanListener#foremanFailed}): it may no longer claim or be woken. Close it and start a new one.
         */
        FAILED,
        /** {@link #close()} is under way. */
        STOPPING,
        /** Stopped: closed, its lock released. */
        STOPPED
    }

    /** The builder's settings, copied at start(): changing the builder later changes nothing here. */
    private record Settings(Handlers handlers, RecurringTasks recurring, Map<String, Integer> lanes,
                            int batchSize, Duration gracefulTimeout, Duration pollInterval, boolean drainOnStop,
                            boolean stopOnShutdown, Duration unhandledTimeout, GuardedListener listener,
                            ThreadFactory workerThreadFactory, TaskChain interceptors) {
        Settings(Builder b) {
            this(b.handlers.copy(), b.recurring.copy(), b.laneWorkers(), b.batchSize, b.gracefulTimeout,
                    b.pollInterval, b.drainOnStop, b.stopOnShutdown, b.unhandledTimeout,
                    GuardedListener.of(b.listeners), b.workerThreadFactory, new TaskChain(b.interceptors));
        }
    }

    private final String id;
    private final String threadPrefix; // of its threads' names: see ThreadNames
    private final TaskQueue queue;
    private final Settings settings;
    private final ForemanThreads threads;
    private final Backend backend;
    private final Exclusivity.Lease exclusivity;
    private final ForemanRegistration registration;
    private final Lanes lanes;
    private final WakeupSource wakeups;
    private final TaskCounters counters;
    private final OutcomeWrites outcomes;
    private final List<Thread> loopThreads = new ArrayList<>(); // one per lane, in the order of lanes.all()
    private final RunningRecords records;
    private final RunningWatch watch;
    private final Thread watchThread;
    private final Thread keepAlive;         // the only non-daemon thread: holds the JVM from start() until stopped
    private final Thread shutdownHook;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    // Written by close() and by a dying foreman thread; read by anyone.
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);

    private Foreman(TaskQueue queue, Settings b) {
        this.queue = queue;
        this.backend = queue.backend();
        this.settings = b;
        this.id = newId();
        if (queue.isClosed()) {
            throw new IllegalStateException("the queue on " + backend.describe() + " is closed");
        }
        Handlers handlers = b.handlers();
        this.threadPrefix = ThreadNames.nextPrefix();
        ForemanRegistration[] registered = new ForemanRegistration[1]; // for a thread that dies: set before any runs
        this.threads = new ForemanThreads(id, threadPrefix, closing::get, b.listener(), state, () -> {
            if (registered[0] != null) {
                registered[0].failed();
            }
        });
        Map<String, List<String>> namesByLane = handlers.namesByLane(); // the lanes with handlers: those that start
        int workers = namesByLane.keySet().stream().mapToInt(b.lanes()::get).sum();
        List<AutoCloseable> undo = new ArrayList<>();
        try {
            this.exclusivity = backend.exclusivity().acquire(id);
            undo.add(exclusivity);
            this.registration = ForemanRegistration.register(backend.storage(), queue.clock(), id, workers,
                    handlers.names());
            registered[0] = registration;
            undo.add(() -> registration.stopped(System.nanoTime() + FINAL_FLUSH_MIN_NANOS));
            this.records = new RunningRecords(workers);
            this.counters = new TaskCounters(backend.storage().database(), id, records, queue.clock(),
                    !queue.settings().history().isZero());
            // First use of the foreman's statements here, holding nothing; not on its threads, inside the lock
            ForemanWarmUp.run(backend.storage(), handlers, b.recurring(), queue.codec(), queue.clock().millis());
            // Before the first claim: what a foreman that is gone left running is kept as interrupted (SQLite: that is
            // any other foreman's record, as this one holds the foreman lock).
            Settlement.settleGone(backend.storage(), id, queue.clock(), counters, b.listener());
            b.recurring().ensureScheduled(backend.storage().database(), queue.clock().millis());
            b.recurring().reportUnregistered(backend.storage(), handlers.names());
            this.outcomes = OutcomeWrites.untilStop(backend.storage().database());
            TaskRunner runner = new TaskRunner(id, outcomes, queue.clock(), counters, b.listener(), b.interceptors(),
                    records);
            WorkerThreads workerThreads = new WorkerThreads(id, threadPrefix, b.workerThreadFactory());
            List<Lanes.Lane> laneList = new ArrayList<>();
            for (Map.Entry<String, List<String>> lane : namesByLane.entrySet()) {
                int n = b.lanes().get(lane.getKey());
                Claimer claimer = new Claimer(id, backend.storage(), handlers, lane.getKey(), lane.getValue(),
                        laneList.isEmpty(), b.recurring(), queue.codec(), queue.clock(), counters, b.listener(),
                        b.unhandledTimeout(), records);
                ThreadPoolExecutor pool = newWorkerPool(n, workerThreads);
                undo.add(pool::shutdownNow);
                workerThreads.prestart(pool); // a failing workerThreadFactory fails the start here, nothing claimed
                ForemanLoop loop = new ForemanLoop(id, claimer, runner, counters, b.listener(), pool, n,
                        b.batchSize(), b.pollInterval().toNanos(), b.drainOnStop(),
                        UNHANDLED_CHECK_INTERVAL.toNanos(), queue.clock());
                laneList.add(new Lanes.Lane(lane.getKey(), n, lane.getValue(), claimer, pool, loop));
            }
            this.lanes = new Lanes(laneList);
            // Producers of this JVM signal the first foreman registered directly; where the backend admits several
            // (PostgreSQL), the others are woken as those of other processes are. (Where it admits one, a second
            // was refused by exclusivity above.)
            if (LocalForemen.register(backend.key(), lanes)) {
                undo.add(() -> LocalForemen.unregister(backend.key(), lanes));
            }
            this.wakeups = backend.wakeups().source(lanes, b.pollInterval(), id, registration.lockKey(), threads);
            undo.add(wakeups);
            for (Lanes.Lane lane : lanes.all()) {
                lane.claimer().onlyWhile(wakeups::holdsLiveness);
            }
        } catch (RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        for (Lanes.Lane lane : lanes.all()) {
            // the default lane's thread keeps the name a foreman of one lane has
            String role = lane.name().equals(Task.DEFAULT_LANE) ? "foreman" : "foreman-" + lane.name();
            loopThreads.add(threads.newThread(role, lane.loop(), "no more tasks of lane " + lane.name()
                    + " will be claimed"));
        }
        this.watch = new RunningWatch(id, backend.storage().database(), records,
                backend.storage().oneForemanAtATime() ? null : () -> Settlement.settleGone(backend.storage(), id,
                        queue.clock(), counters, b.listener()),
                new HistoryPruning(backend.storage().database(), queue.clock(), queue.settings().history()));
        this.watchThread = threads.newThread("watch", watch, "progress is no longer written, cancel requests no"
                + " longer seen, and the tasks of foremen that die are found only when a foreman starts");
        this.keepAlive = threads.newKeepAliveThread("alive");
        this.shutdownHook = b.stopOnShutdown() ? new Thread(this::close, threadName("shutdown")) : null;
    }

    private void start() {
        log.info("Foreman {} starting on {}: workers={}, batchSize={}, gracefulTimeout={}, pollInterval={},"
                        + " drainOnStop={}, unhandledTimeout={}, handlers={}, recurring={}, wakeups {}, threads {}-*",
                id, backend.describe(), describeWorkers(), settings.batchSize(),
                Durations.format(settings.gracefulTimeout()), Durations.format(settings.pollInterval()),
                settings.drainOnStop(), Durations.format(settings.unhandledTimeout()), settings.handlers(),
                settings.recurring(), backend.wakeups().describe(), threadPrefix);
        wakeups.start();
        loopThreads.forEach(Thread::start);
        watchThread.start();
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook); // SIGTERM, SIGINT: a graceful stop
        }
        keepAlive.start(); // last: a start that failed above must not hold the JVM
    }

    /** A new foreman's id: {@code host:pid:random}, unique enough among the foremen sharing a database. */
    static String newId() {
        String host = ForemanRegistration.localHost();
        String random = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000) | 0x10000).substring(1);
        return host + ":" + ProcessHandle.current().pid() + ":" + random;
    }

    /** {@code 4}, or with several lanes {@code default:8 bulk:2}. */
    private String describeWorkers() {
        if (lanes.all().size() == 1 && lanes.first().name().equals(Task.DEFAULT_LANE)) {
            return Integer.toString(lanes.first().workers());
        }
        StringBuilder sb = new StringBuilder();
        for (Lanes.Lane lane : lanes.all()) {
            sb.append(sb.isEmpty() ? "" : " ").append(lane.name()).append(':').append(lane.workers());
        }
        return sb.toString();
    }

    private static ThreadPoolExecutor newWorkerPool(int n, ThreadFactory threads) {
        // Unbounded queue, but never more than n tasks in it: the loop only hands over tasks for free slots.
        return new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    }

    public static Builder builder(TaskQueue queue) {
        return new Builder(Objects.requireNonNull(queue, "queue"));
    }

    /** This foreman's identity in logs and in the lock file: {@code host:pid:random}. */
    public String id() {
        return id;
    }

    /** The name of this foreman's thread for {@code role}: "foreman", "worker-1", "wakeup", "listen", … */
    String threadName(String role) {
        return ThreadNames.name(threadPrefix, role);
    }

    /** Handlers running right now. */
    public int busyWorkers() {
        return lanes.busy();
    }

    /**
     * Tasks waiting in the queue under names this foreman has no handler for, per name (at most 100 names), as its
     * last look found them: at start, then every 5 minutes. They stay queued for a foreman that handles them, until
     * {@link Builder#unhandledTimeout}; each such name is logged at WARN at each look.
     */
    public Map<String, Long> unhandledTasks() {
        return lanes.first().claimer().unhandled();
    }

    /** Running, failed (a thread died: see {@link State#FAILED}), stopping or stopped. */
    public State state() {
        return state.get();
    }

    /** True while the foreman claims and runs tasks: not failed, not stopping, not stopped. */
    public boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    /**
     * Stops: no new claims; running handlers get until {@code gracefulTimeout} to finish (with drainOnStop, the
     * queue is emptied first within that same time); then they are interrupted, given 0.5 s more, and abandoned
     * (logged by id). Returns within about {@code gracefulTimeout} + 0.5 s, whatever the database does: a claim
     * still waiting for the database then rolls back when it gets it (its tasks stay queued), and counts not saved
     * by then are logged. Idempotent and safe from any thread; later callers wait for the first one to finish.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        try {
            stop();
        } finally {
            threads.release(); // the JVM may end now (the loop and any abandoned handler are daemon threads)
            closed.countDown();
        }
    }

    private void stop() {
        state.set(State.STOPPING);
        long graceDeadline = System.nanoTime() + settings.gracefulTimeout().toNanos();
        long hardDeadline = graceDeadline + INTERRUPT_GRACE.toNanos();
        log.info("Foreman {} stopping (graceful timeout {})", id, Durations.format(settings.gracefulTimeout()));
        // 1. No new claims (drainOnStop: once the queue is empty, or at the graceful deadline). Failed attempts'
        // outcomes that the database refuses are tried until the graceful deadline, then logged as lost.
        for (Lanes.Lane lane : lanes.all()) {
            lane.loop().requestStop(graceDeadline);
        }
        outcomes.stopBy(graceDeadline);
        watch.stop();
        // 2. Wakeups are no longer needed: producers here now wake foremen as other processes do.
        LocalForemen.unregister(backend.key(), lanes);
        wakeups.close();
        for (int i = 0; i < loopThreads.size(); i++) {
            stopLoop(lanes.all().get(i).loop(), loopThreads.get(i), graceDeadline, hardDeadline);
        }
        // 3. Running handlers finish, or are interrupted at the deadline and abandoned after a short grace.
        for (Lanes.Lane lane : lanes.all()) {
            lane.pool().shutdown();
        }
        if (!awaitWorkers(graceDeadline)) {
            Map<Long, String> running = lanes.running();
            log.warn("Foreman {}: {} handlers still running after {}; interrupting {}", id, running.size(),
                    settings.gracefulTimeout(), describe(running));
            for (Lanes.Lane lane : lanes.all()) {
                List<Runnable> neverStarted = lane.pool().shutdownNow();
                lane.claimer().giveBack(lane.loop().forget(neverStarted),
                        "the foreman stopped before a worker took them");
            }
            if (!awaitWorkers(hardDeadline)) {
                log.error("Foreman {}: abandoning handlers that ignored interruption: {}", id,
                        describe(lanes.running()));
            }
        }
        // The watch ends before the last counts: what it settles is counted in them. (Not when close() came from a
        // listener the watch called: that thread ends once the call returns.)
        if (Thread.currentThread() != watchThread) {
            joinUntil(watchThread, hardDeadline);
        }
        // 4. Counts (waiting no longer than the deadline for the database), its row's last state, then the lock last:
        // a new foreman may start once it is released.
        counters.flushBy(Math.max(hardDeadline, System.nanoTime() + FINAL_FLUSH_MIN_NANOS));
        registration.stopped(Math.max(hardDeadline, System.nanoTime() + FINAL_FLUSH_MIN_NANOS));
        exclusivity.close();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
        state.set(State.STOPPED);
        log.info("Foreman {} stopped", id);
    }

    /**
     * One lane's loop at a stop: joined until the graceful deadline, or abandoned when still inside a claim. Not when
     * close() came from a listener this very loop thread called (idle(), say): that loop ends once the call returns.
     */
    private void stopLoop(ForemanLoop loop, Thread loopThread, long graceDeadline, long hardDeadline) {
        if (Thread.currentThread() == loopThread) {
            // No further claim, and no waiting for this very thread.
            loop.abandon(System.nanoTime());
            return;
        }
        joinUntil(loopThread, graceDeadline);
        if (loopThread.isAlive()) {
            // Inside a claim that waits for the database (another process's write lock, a table lock). It must not
            // hand tasks to a pool that is gone: abandoned, it rolls back when the database lets it go on; a commit
            // already under way is waited for, so its tasks reach the workers first.
            boolean settled = loop.abandon(hardDeadline);
            loopThread.interrupt();
            log.warn("Foreman {}: its claim is still waiting for the database after {}; {}", id,
                    settings.gracefulTimeout(), settled ? "it will roll back, leaving its tasks queued"
                            : "its commit is slow; tasks it commits will be put back in the queue");
        }
    }

    /** Whether every lane's workers ended by the deadline. */
    private boolean awaitWorkers(long deadlineNanos) {
        try {
            for (Lanes.Lane lane : lanes.all()) {
                if (!lane.pool().awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()),
                        TimeUnit.NANOSECONDS)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void joinUntil(Thread thread, long deadlineNanos) {
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitClosed() {
        try {
            closed.await(settings.gracefulTimeout().toMillis() + 2 * INTERRUPT_GRACE.toMillis() + 1000,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Map<Long, String> running) {
        StringBuilder sb = new StringBuilder();
        running.forEach((taskId, name) -> sb.append(sb.isEmpty() ? "" : ", ").append(taskId)
                .append(' ').append(name));
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Foreman[" + id + " on " + backend.describe() + "]";
    }

    /**
     * Configures and starts a foreman. Each setter checks its value at once and names the setting when it refuses
     * one.
     */
    public static final class Builder {
        private final TaskQueue queue;
        private final Handlers handlers = new Handlers();
        private final RecurringTasks recurring = new RecurringTasks();
        private int workers = DEFAULT_WORKERS;
        private final Map<String, Integer> lanes = new java.util.LinkedHashMap<>(); // other than the default lane
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration gracefulTimeout = DEFAULT_GRACEFUL_TIMEOUT;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private boolean drainOnStop;
        private boolean stopOnShutdown = true;
        private Duration unhandledTimeout = DEFAULT_UNHANDLED_TIMEOUT;
        private final List<ForemanListener> listeners = new ArrayList<>();
        private final List<TaskInterceptor> interceptors = new ArrayList<>();
        private ThreadFactory workerThreadFactory; // null: daemon platform threads

        private Builder(TaskQueue queue) {
            this.queue = queue;
        }

        /**
         * Registers the handler for a task; one handler per task name. When it throws, the task is retried as
         * {@link Task#retry()} says, then kept in the failed-tasks table; at once for a {@link NonRetryableException}.
         */
        public <A> Builder handle(Task<A> task, TaskHandler<A> handler) {
            handlers.add(task, handler);
            return this;
        }

        /** As {@link #handle(Task, TaskHandler)}, for a handler that is told about its attempt ({@link TaskContext}). */
        public <A> Builder handle(Task<A> task, ContextualTaskHandler<A> handler) {
            handlers.add(task, handler);
            return this;
        }

        /**
         * A recurring task: {@code task} with {@code args}, due on {@code schedule}, one pending instance at a time
         * under this name. The claim that takes an instance writes the next one in the same transaction, so a tick
         * runs at most once, also with several foremen on PostgreSQL; a crash can skip a tick, never repeat one.
         * Ticks missed while no foreman ran are run once, not once each. At start the foreman writes the first
         * instance, or brings a pending one in line with this registration (schedule, task, args): the last foreman
         * to start decides, and a foreman of another process or version that handles {@code task} keeps the
         * schedule going as its instances carry it, whatever it registers itself. Needs a handler for {@code task}
         * on this foreman.
         *
         * <pre>{@code
         * .recurring("nightly-report", Schedule.cron("0 3 * * *", ZoneId.of("Europe/Amsterdam")), REPORT, new Report())
         * }</pre>
         *
         * @param name 1 to 100 characters: letters, digits, and {@code _ . : -} after the first; unique per foreman
         * @throws IllegalArgumentException when the name is bad or taken, or args can't be encoded (as for enqueue)
         */
        public <A> Builder recurring(String name, Schedule schedule, Task<A> task, A args) {
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(task, "task");
            recurring.add(name, schedule, task.name(), queue.codec().encode(task, args), task.priority(),
                    task.limitKeyOf(args));
            return this;
        }

        /**
         * Worker threads of the default lane ({@value Task#DEFAULT_LANE}), i.e. its handlers running at once: with no
         * other lane, the foreman's. 1 to 1024; defaults to 4. Same as {@code lane("default", workers)}.
         */
        public Builder workers(int workers) {
            if (workers < 1 || workers > 1024) {
                throw new IllegalArgumentException("workers must be between 1 and 1024, was " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * A lane and its workers: the tasks in that lane ({@link Task#lane}) run on these workers only, claimed by a
         * loop of the lane's own, so however many of them are due, tasks of another lane never wait for a worker
         * busy with one of them. The default lane has {@link #workers} workers; every lane a handler's task is in
         * must have workers. A lane without handlers starts nothing.
         *
         * <pre>{@code
         * Foreman.builder(queue).lane("default", 8).lane("bulk", 2)
         * }</pre>
         *
         * @param workers 1 to 1024
         * @throws IllegalArgumentException when the name is not a lane name ({@link Task#lane}) or workers is out of
         *                                  range
         */
        public Builder lane(String lane, int workers) {
            Task.checkLane(lane, "lane");
            if (workers < 1 || workers > 1024) {
                throw new IllegalArgumentException("workers of lane " + lane + " must be between 1 and 1024, was "
                        + workers);
            }
            if (lane.equals(Task.DEFAULT_LANE)) {
                this.workers = workers;
            } else {
                lanes.put(lane, workers);
            }
            return this;
        }

        /** Workers by lane: the default lane's, then the others in the order they were given. */
        private Map<String, Integer> laneWorkers() {
            Map<String, Integer> all = new java.util.LinkedHashMap<>();
            all.put(Task.DEFAULT_LANE, workers);
            all.putAll(lanes);
            return all;
        }

        /**
         * Most tasks claimed by one statement. Claims are further limited to free workers. 1 to 10000; defaults to
         * 100.
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * How long close() lets running handlers finish before interrupting them. 0 to 1 hour; defaults to 10 s.
         */
        public Builder gracefulTimeout(Duration gracefulTimeout) {
            Objects.requireNonNull(gracefulTimeout, "gracefulTimeout");
            if (gracefulTimeout.isNegative() || gracefulTimeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("gracefulTimeout must be between 0 and 1 hour, was "
                        + gracefulTimeout);
            }
            this.gracefulTimeout = gracefulTimeout;
            return this;
        }

        /**
         * The backstop: an idle foreman looks at the queue this often (±10%) even when nobody wakes it, and the
         * wakeup watcher re-checks its directory as often. Wakeups are the mechanism; this only bounds the damage of
         * one that never comes (a producer that can't write its wakeup file, say). 10 ms to 1 hour; defaults to 1 s.
         */
        public Builder pollInterval(Duration pollInterval) {
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.compareTo(Duration.ofMillis(10)) < 0 || pollInterval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("pollInterval must be between 10 ms and 1 hour, was "
                        + pollInterval);
            }
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * On stop, keep claiming until the queue is empty, all within gracefulTimeout.
         * Defaults to false: stop claiming at once and let running handlers finish.
         */
        public Builder drainOnStop(boolean drainOnStop) {
            this.drainOnStop = drainOnStop;
            return this;
        }

        /**
         * How old a task whose name this foreman has no handler for may get before the foreman keeps it in the
         * failed-tasks table. Until then it stays queued: a foreman claims only the names it handles, so during a
         * rolling deploy older foremen leave a new task type to the new ones. Each such name is logged at WARN every
         * 5 minutes. {@code Duration.ZERO} keeps them at once (a deployment with one version of the code). 0 to 365
         * days; defaults to 14 days.
         */
        public Builder unhandledTimeout(Duration unhandledTimeout) {
            Objects.requireNonNull(unhandledTimeout, "unhandledTimeout");
            if (unhandledTimeout.isNegative() || unhandledTimeout.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("unhandledTimeout must be between 0 and 365 days, was "
                        + unhandledTimeout);
            }
            this.unhandledTimeout = unhandledTimeout;
            return this;
        }

        /** Stop gracefully on SIGTERM/SIGINT (a JVM shutdown hook). Defaults to true. */
        public Builder stopOnShutdown(boolean stopOnShutdown) {
            this.stopOnShutdown = stopOnShutdown;
            return this;
        }

        /**
         * Makes the worker threads, all of them when the foreman starts, e.g. {@code Thread.ofVirtual().factory()} on
         * JDK 21+ for handlers that mostly wait (then {@code workers} can be in the hundreds). A factory that throws
         * or returns null fails {@link #start()}; one that fails later, when a worker is replaced, is logged and a
         * platform thread is used instead. Defaults to daemon platform threads named {@code dbmq-worker-N-<id>}.
         */
        public Builder workerThreadFactory(ThreadFactory workerThreadFactory) {
            this.workerThreadFactory = Objects.requireNonNull(workerThreadFactory, "workerThreadFactory");
            return this;
        }

        /**
         * Adds hooks for metrics, error reporting and tests. Listeners are called in the order added, each guarded on
         * its own: one that throws costs the next nothing. Defaults to none.
         */
        public Builder listener(ForemanListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds code to run around every task's handler, on its worker thread: tracing (queue-opentelemetry), an MDC
         * from the task's {@link TaskContext#metadata() metadata}. Interceptors run in the order added, the first
         * outermost; none can keep a task from running or change how it ended (see {@link TaskInterceptor}).
         * Defaults to none.
         */
        public Builder interceptor(TaskInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * Takes the database's foreman lock, clears stale wakeup files, and starts the threads; the backlog is
         * drained first. In a fresh JVM this returns only after the first use of the foreman's statements (jOOQ) and
         * of its args types (Jackson), done here so that no foreman thread does that slow work while holding the
         * connection that producers of this JVM need; in a JVM that did it before, it returns at once.
         *
         * @throws IllegalStateException when no handler is registered (every task would be kept as failed), or on
         *                               PostgreSQL when the pool is known to hold fewer than 2 connections (LISTEN
         *                               takes one for good)
         * @throws DbmqException         when another foreman runs on this database, or the wakeup directory is unsafe
         * @throws IllegalArgumentException when the {@link #workerThreadFactory} fails to make the worker threads
         */
        public Foreman start() {
            requireHandlers();
            Foreman foreman = new Foreman(queue, new Settings(this));
            foreman.start();
            return foreman;
        }

        /**
         * A foreman without threads, for tests: it runs tasks on the caller's thread when told to
         * ({@link ManualForeman#runPending()}). Takes the same lock as {@link #start()}.
         */
        public ManualForeman startManual() {
            requireHandlers();
            return new CallerThreadForeman(queue, handlers.copy(), recurring.copy(), GuardedListener.of(listeners),
                    new TaskChain(interceptors), batchSize, unhandledTimeout, false);
        }

        /**
         * A foreman for tests that runs each task on the enqueuing thread, right after its commit, still through
         * the database, so args are encoded and decoded as in production. Tasks enqueued inside a caller's
         * transaction run at the next {@link ManualForeman#runPending()} or enqueue. Holds the database's foreman
         * lock, so a real foreman can't start beside it.
         */
        public ManualForeman startEager() {
            requireHandlers();
            return new CallerThreadForeman(queue, handlers.copy(), recurring.copy(), GuardedListener.of(listeners),
                    new TaskChain(interceptors), batchSize, unhandledTimeout, true);
        }

        private void requireHandlers() {
            if (handlers.isEmpty()) {
                throw new IllegalStateException("no handlers registered: call handle(task, handler) before starting"
                        + " (a foreman without handlers would claim nothing)");
            }
            Map<String, Integer> laneWorkers = laneWorkers();
            for (String name : handlers.names()) {
                String lane = handlers.find(name).task().lane();
                if (!laneWorkers.containsKey(lane)) {
                    throw new IllegalStateException("task " + name + " is in lane " + lane + ", which has no workers"
                            + " here: call lane(\"" + lane + "\", workers)");
                }
            }
            for (RecurringTasks.Registration r : recurring.registrations()) {
                if (handlers.find(r.taskName()) == null) {
                    throw new IllegalStateException("recurring \"" + r.name() + "\" runs task " + r.taskName()
                            + ", which has no handler here: call handle(" + r.taskName() + " task, handler)");
                }
            }
        }
    }

    /** Tasks producers of this JVM handed straight to this foreman's workers ({@code Handoff}): for tests. */
    long handedOver() {
        return lanes.all().stream().mapToLong(l -> l.loop().handedOver()).sum();
    }

    /** Claims made by the foreman thread, and by workers for themselves while busy: for tests. */
    long foremanClaims() {
        return lanes.all().stream().mapToLong(l -> l.loop().foremanClaims()).sum();
    }

    long workerClaims() {
        return lanes.all().stream().mapToLong(l -> l.loop().workerClaims()).sum();
    }

    /** Claims of {@code lane} that found it paused so far: for tests. */
    long pausedClaims(String lane) {
        return lane(lane).claimer().pausedClaims();
    }

    /** Tests: waits until {@code atLeast} claims of {@code lane} have found it paused; false at the timeout. */
    boolean awaitPausedClaims(String lane, long atLeast, Duration timeout) throws InterruptedException {
        return lane(lane).claimer().awaitPausedClaims(atLeast, timeout.toNanos());
    }

    private Lanes.Lane lane(String name) {
        return lanes.all().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no lane " + name));
    }

    /** Tries to write a failed attempt's outcome that the database refused: for tests. */
    long outcomeWriteFailures() {
        return outcomes.failedTries();
    }

    /** Whether a claim is under way (from its start to its end, after its dispatch): for tests. */
    boolean claimUnderWay() {
        return lanes.all().stream().anyMatch(l -> l.loop().claimUnderWay());
    }
}
