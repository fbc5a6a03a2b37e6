package dev.dbmq;

import dev.dbmq.internal.Backend;
import dev.dbmq.internal.Database;
import dev.dbmq.internal.ForemanRegistry;
import dev.dbmq.internal.Handoff;
import dev.dbmq.internal.HistoryStore;
import dev.dbmq.internal.JooqBanner;
import dev.dbmq.internal.LaneStore;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.TaskStore;
import dev.dbmq.internal.WakeTarget;
import dev.dbmq.internal.postgres.PostgresBackend;
import dev.dbmq.internal.sqlite.SqliteBackend;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer side: writes tasks into the database and wakes the foreman. Thread-safe; starts no threads but one
 * that lives only while it opens (it makes the JSON codec meanwhile).
 *
 * <p>Every enqueue is committed before it returns (or, for {@link #enqueue(DSLContext, Task, Object)} and
 * {@link #enqueue(Connection, Task, Object)}, with the caller's transaction) and wakes the foreman after the
 * commit: directly when the foreman runs in this JVM, through the wakeup directory when it runs in another process.
 *
 * <pre>{@code
 * try (TaskQueue queue = TaskQueue.sqlite(Path.of("queue.db"))) {
 *     long id = queue.enqueue(DIGEST, new Digest(42));
 *     queue.enqueue(DIGEST, new Digest(43), Enqueue.after(Duration.ofMinutes(5)).key("digest:43"));
 * }
 * }</pre>
 */
public final class TaskQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskQueue.class);

    private final QueueSettings settings; // as opened: with the wakeup directory the backend resolved
    private final Backend backend;
    private final Database database;
    private final ArgsCodec codec;
    private final InstantSource clock;
    private final EnqueueChain interceptors;
    private volatile boolean closed;

    private TaskQueue(QueueSettings settings) {
        JooqBanner.suppress(); // before the first SQL statement: see there
        // Jackson's first ObjectMapper is a noticeable part of a cold JVM's start (class loading): a thread of its own
        // makes the codec while this one opens the database, then warms it up (the codec is thread-safe). It owns
        // nothing else, and ends after the warm-up.
        FutureTask<ArgsCodec> codec = new FutureTask<>(
                () -> new ArgsCodec(settings.objectMapper(), settings.maxArgsBytes()));
        Thread maker = new Thread(() -> {
            codec.run();
            if (!codec.isCancelled()) {
                try {
                    codec.get().warmUp();
                } catch (InterruptedException | ExecutionException e) {
                    // the opening thread reports the codec's failure
                }
            }
        }, "dbmq-codec");
        maker.setDaemon(true);
        maker.start();
        this.clock = new SteadyClock(settings.clock()); // a step back of the wall clock strands nothing
        this.interceptors = new EnqueueChain(settings.enqueueInterceptors());
        // The one place that chooses a backend: everything else sees only the seam.
        this.backend = settings.dataSource() != null ? new PostgresBackend(settings) : new SqliteBackend(settings);
        this.database = backend.storage().database();
        Path wakeupDirectory = backend.wakeupDirectory();
        this.settings = wakeupDirectory == null || wakeupDirectory.equals(settings.wakeupDirectory()) ? settings
                : settings.withWakeupDirectory(wakeupDirectory);
        try {
            this.codec = await(codec);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
        // The one INFO line of an open (Flyway's are at DEBUG): what an operator checks first.
        log.info("{}", backend.describeOpened());
    }

    /** The codec, waiting for it uninterruptibly (the interrupt is kept); its own exception as thrown. */
    private static ArgsCodec await(FutureTask<ArgsCodec> codec) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return codec.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Opens (creating and migrating when needed) an embedded SQLite queue with default settings: WAL,
     * synchronous=NORMAL, a 5 s busy timeout, the wakeup directory next to the file (its real path).
     */
    public static TaskQueue sqlite(Path databaseFile) {
        return open(QueueSettings.sqlite(databaseFile).build());
    }

    /**
     * Opens (migrating when needed) a PostgreSQL queue in the connections' current schema, for foremen on many
     * hosts; see {@link QueueSettings#postgres(javax.sql.DataSource)} for a schema of its own.
     */
    public static TaskQueue postgres(javax.sql.DataSource dataSource) {
        return open(QueueSettings.postgres(dataSource).build());
    }

    /** Opens a queue with these settings; see {@link QueueSettings#sqlite(Path)} and {@link QueueSettings#postgres}. */
    public static TaskQueue open(QueueSettings settings) {
        return new TaskQueue(Objects.requireNonNull(settings, "settings"));
    }

    /**
     * Enqueues one task, due at once, in its own transaction and wakes the foreman.
     *
     * @return the task's id
     * @throws IllegalArgumentException when args are null, not JSON-serialisable, over maxArgsBytes, or hold half
     *                                  of a surrogate pair (which the database would store as '?'); nothing is
     *                                  written
     * @throws DbmqException            when the database refuses the write
     */
    public <A> long enqueue(Task<A> task, A args) {
        return enqueue(task, args, Enqueue.now());
    }

    /**
     * Enqueues one task, due when {@code options} say, in its own transaction and wakes the foreman (which then
     * sleeps until the task is due, unless something else is due first).
     *
     * <pre>{@code
     * queue.enqueue(DIGEST, args, Enqueue.after(Duration.ofMinutes(5)).key("digest:42"));
     * }</pre>
     *
     * @return the task's id; with a {@link Enqueue#key key} that a pending task holds, that task's id (nothing is
     * written)
     * @throws IllegalArgumentException as for {@link #enqueue(Task, Object)}
     */
    public <A> long enqueue(Task<A> task, A args, Enqueue options) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(options, "options");
        String json = codec.encode(task, args);
        String limitKey = task.limitKeyOf(args);
        ensureOpen();
        if (interceptors.isEmpty()) {
            return write(task, json, limitKey, null, options);
        }
        return interceptors.run(task.name(), 1, metadata -> List.of(write(task, json, limitKey, metadata, options)))
                .get(0);
    }

    /** One task's write and wakeup, after the checks and the interceptors. */
    private long write(Task<?> task, String json, String limitKey, String metadata, Enqueue options) {
        long now = clock.millis();
        long dueAt = options.dueAt(now);
        int priority = options.priority(task);
        String key = options.uniqueKey();
        long id;
        if (limitKey != null) {
            // the portable insert, which writes the key; never handed over (a type with limits waits for its claim)
            TaskStore.Keyed written = database.transaction(dsl -> TaskStore.insertLimited(dsl, task.name(), json,
                    metadata, now, dueAt, priority, key, limitKey));
            if (!written.written()) {
                return written.id();
            }
            id = written.id();
        } else if (key == null) {
            Handoff handoff = dueAt <= now ? reserveHandoff(task.name(), json) : null;
            try {
                id = backend.storage().enqueue(task.name(), json, metadata, now, dueAt, priority, handoff);
            } catch (Throwable t) {
                if (handoff != null) {
                    handoff.cancel();
                }
                throw t;
            }
            if (handoff != null) {
                handoff.start(new TaskStore.Row(id, task.name(), json, now, dueAt, 1, null, null, metadata,
                        priority, null));
                return id; // claimed by its own commit: nothing to wake
            }
        } else {
            TaskStore.Keyed keyed = database.transaction(dsl ->
                    TaskStore.insertKeyed(dsl, task.name(), json, metadata, now, dueAt, priority, key));
            if (!keyed.written()) {
                return keyed.id();
            }
            id = keyed.id();
        }
        wake(task.name(), false);
        return id;
    }

    /**
     * Enqueues many tasks of one kind, due at once, in one transaction, all or nothing, with one wakeup.
     *
     * @return their ids, in the order of {@code args}
     */
    public <A> List<Long> enqueueAll(Task<A> task, List<A> args) {
        return enqueueAll(task, args, Enqueue.now());
    }

    /**
     * Enqueues many tasks of one kind, all due when {@code options} say, in one transaction, all or nothing, with one
     * wakeup.
     *
     * @return their ids, in the order of {@code args}
     * @throws IllegalArgumentException when options have a {@link Enqueue#key key} (it names one task), or as for
     *                                  {@link #enqueue(Task, Object)}; nothing is written
     */
    public <A> List<Long> enqueueAll(Task<A> task, List<A> args, Enqueue options) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(options, "options");
        if (options.uniqueKey() != null) {
            throw new IllegalArgumentException("options must not have a key in enqueueAll (a key names one task),"
                    + " was " + options + "; enqueue each keyed task on its own");
        }
        List<String> jsons = new ArrayList<>(args.size());
        List<String> limitKeys = task.limitPerKey() == Task.NO_LIMIT ? null : new ArrayList<>(args.size());
        for (A a : args) {
            jsons.add(codec.encode(task, a)); // all are checked before anything is written
            if (limitKeys != null) {
                limitKeys.add(task.limitKeyOf(a));
            }
        }
        if (jsons.isEmpty()) {
            return List.of();
        }
        ensureOpen();
        if (interceptors.isEmpty()) {
            return writeAll(task, jsons, limitKeys, null, options);
        }
        return interceptors.run(task.name(), jsons.size(),
                metadata -> writeAll(task, jsons, limitKeys, metadata, options));
    }

    private List<Long> writeAll(Task<?> task, List<String> jsons, List<String> limitKeys, String metadata,
                                Enqueue options) {
        long now = clock.millis();
        long dueAt = options.dueAt(now);
        int priority = options.priority(task);
        List<Long> ids = database.transaction(dsl -> limitKeys == null
                ? backend.storage().insertAll(dsl, task.name(), jsons, metadata, now, dueAt, priority)
                : TaskStore.insertAllLimited(dsl, task.name(), jsons, metadata, now, dueAt, priority, limitKeys));
        wake(false);
        return ids;
    }

    /**
     * Enqueues a task, due at once, inside the caller's transaction on this queue's database: it exists only if that
     * transaction commits, and the foreman is woken when it does (a rollback wakes nobody).
     *
     * @param tx a jOOQ context whose connection is to this queue's database (SQLite: the same file; PostgreSQL:
     *           the same database, with the queue's schema), typically the one passed to {@code dsl.transaction(tx
     *           -> …)}
     * @return the task's id (meaningless if the transaction rolls back)
     * @throws IllegalArgumentException when tx is on another database (SQLite: another file; PostgreSQL: another
     *                                  database, named in the message), or as for {@link #enqueue(Task, Object)};
     *                                  nothing is written
     */
    public <A> long enqueue(DSLContext tx, Task<A> task, A args) {
        return enqueue(tx, task, args, Enqueue.now());
    }

    /**
     * As {@link #enqueue(DSLContext, Task, Object)}, due when {@code options} say. With a {@link Enqueue#key key}
     * that a pending task holds, writes nothing and returns that task's id; on PostgreSQL, a concurrent transaction
     * writing the same key makes this one wait for it to commit or roll back.
     */
    public <A> long enqueue(DSLContext tx, Task<A> task, A args, Enqueue options) {
        Objects.requireNonNull(tx, "tx");
        return enqueueInCallerTransaction(tx, "tx", task, args, options);
    }

    /**
     * Enqueues a task, due at once, inside the transaction the caller holds on {@code connection}, whatever manages
     * it (Spring's {@code DataSourceUtils.getConnection}, Hibernate's {@code Session.doWork}, plain JDBC): as
     * {@link #enqueue(DSLContext, Task, Object)}, the task exists only if that transaction commits, and the foreman is
     * woken when it does. The connection is only used: never committed, rolled back, closed or switched to or from
     * autocommit. In autocommit mode the enqueue is a transaction of its own, committed before this returns.
     *
     * <pre>{@code
     * connection.setAutoCommit(false);
     * insertUser(connection, email);
     * queue.enqueue(connection, WELCOME, new Welcome(email));
     * connection.commit(); // the user and the task, or neither
     * }</pre>
     *
     * @param connection to this queue's database (SQLite: the same file; PostgreSQL: the same database, the queue's
     *                   schema as its settings name it, else the connection's current schema)
     * @return the task's id (meaningless if the transaction rolls back)
     * @throws IllegalArgumentException when connection is to another database (named in the message), or as for
     *                                  {@link #enqueue(Task, Object)}; nothing is written
     */
    public <A> long enqueue(Connection connection, Task<A> task, A args) {
        return enqueue(connection, task, args, Enqueue.now());
    }

    /**
     * As {@link #enqueue(Connection, Task, Object)}, due when {@code options} say; a {@link Enqueue#key key} behaves
     * as in {@link #enqueue(DSLContext, Task, Object, Enqueue)}.
     */
    public <A> long enqueue(Connection connection, Task<A> task, A args, Enqueue options) {
        Objects.requireNonNull(connection, "connection");
        // A jOOQ context on the caller's connection, with the queue's dialect and settings: its connection provider
        // never commits, closes or changes autocommit; only our statements run on it.
        return enqueueInCallerTransaction(database.onCallerConnection(connection), "connection", task, args, options);
    }

    /** Both forms of the transactional enqueue; {@code txName} names the caller's argument in a refusal. */
    private <A> long enqueueInCallerTransaction(DSLContext tx, String txName, Task<A> task, A args,
                                                Enqueue options) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(options, "options");
        String json = codec.encode(task, args);
        String limitKey = task.limitKeyOf(args);
        ensureOpen();
        if (interceptors.isEmpty()) {
            return writeInCallerTransaction(tx, txName, task, json, limitKey, null, options);
        }
        return interceptors.run(task.name(), 1,
                metadata -> List.of(writeInCallerTransaction(tx, txName, task, json, limitKey, metadata, options)))
                .get(0);
    }

    private long writeInCallerTransaction(DSLContext tx, String txName, Task<?> task, String json, String limitKey,
                                          String metadata, Enqueue options) {
        long now = clock.millis();
        return backend.storage().insertInCallerTransaction(tx, txName, task.name(), json, metadata, now,
                options.dueAt(now), options.priority(task), options.uniqueKey(), limitKey, () -> wake(true));
    }

    /**
     * Cancels a task. Pending: deletes it, in one statement, so it races cleanly with a claim; it will never run.
     * Running: asks it to stop. Its foreman sees the request within about a second, sets
     * {@link TaskContext#isCancelled()} and interrupts its worker once; a handler that then throws (an interrupt, most
     * often) ends the task, neither retried nor kept as failed, and one that returns normally has succeeded. For a
     * recurring schedule's instance, the schedule has no pending instance until a foreman that has it starts again;
     * to remove a schedule, {@link #unschedule} it by its name.
     *
     * @return true when the task was pending (its first attempt, or a retry waiting for its backoff: retries keep
     * the id), or is running (or succeeded less than about a second ago: its record goes with its foreman's next
     * write); false when it finished, was kept as failed, or never existed
     */
    public boolean cancel(long taskId) {
        ensureOpen();
        long now = clock.millis();
        return database.autocommit(dsl -> TaskStore.cancel(dsl, taskId)
                || RunningStore.requestCancel(dsl, taskId, now));
    }

    /**
     * As {@link #cancel(long)}, for the pending task holding {@code key} ({@link Enqueue#key}; keys are unique among
     * pending tasks): deletes it in one statement.
     *
     * <pre>{@code
     * queue.enqueue(REMINDER, args, Enqueue.after(Duration.ofDays(7)).key("trial-reminder:u42"));
     * // … the user subscribed:
     * queue.cancelByKey("trial-reminder:u42");
     * }</pre>
     *
     * @return true when a pending task held the key and will never run; false when none did: it ran, is running, or
     * never existed. A retry waiting for its backoff holds no key (the key is freed when the first attempt is
     * claimed): cancel it by its id
     * @throws IllegalArgumentException when {@code key} is null or one that {@link Enqueue#key} refuses, such as
     *                                  a key of a recurring schedule ({@code dbmq:…}: {@link #unschedule} removes
     *                                  one); nothing is cancelled
     */
    public boolean cancelByKey(String key) {
        Enqueue.checkKeyText(key, "nothing was cancelled");
        if (key.startsWith(Enqueue.RESERVED_KEY_PREFIX)) {
            throw new IllegalArgumentException("key must not start with \"" + Enqueue.RESERVED_KEY_PREFIX
                    + "\" (reserved for recurring schedules: unschedule(scheduleName) removes one), was \"" + key
                    + "\"; nothing was cancelled");
        }
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.cancelByKey(dsl, key));
    }

    /**
     * Removes a recurring schedule ({@link Foreman.Builder#recurring}): deletes its pending instance, so no tick of it
     * starts after this returns. A tick running at this moment runs on to its end: the claim that took it wrote the
     * next instance in the same transaction, and that is the one deleted.
     *
     * <p>A foreman that registers the schedule writes it again when it starts. So this is for a schedule whose
     * registration was dropped from the code (its instance carries the schedule, and any foreman that handles its
     * task keeps it running, until this is called; such a foreman logs it when it starts), or to pause a schedule
     * until the next start of a foreman that registers it.
     *
     * <pre>{@code
     * boolean removed = queue.unschedule("nightly-digest");
     * }</pre>
     *
     * @return true when the schedule had a pending instance; false when it had none (never registered, or removed
     * already)
     * @throws IllegalArgumentException when {@code scheduleName} is not a name {@link Foreman.Builder#recurring}
     *                                  accepts; nothing is deleted
     */
    public boolean unschedule(String scheduleName) {
        RecurringTasks.checkName("scheduleName", scheduleName);
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.unschedule(dsl, RecurringTasks.key(scheduleName)));
    }

    /**
     * The pending task with this id, read in one query: its first attempt, or a retry waiting for its backoff (a
     * retry keeps the id). Empty when it ran, is running, was cancelled or kept as failed, or never existed.
     */
    public Optional<PendingTask> findPending(long taskId) {
        ensureOpen();
        return Optional.ofNullable(database.autocommit(dsl -> TaskStore.findPending(dsl, taskId)))
                .map(TaskQueue::pendingTask);
    }

    /**
     * The pending task holding {@code key} ({@link Enqueue#key}), read in one query. Empty when no pending task holds
     * it; a retry holds no key (see {@link #cancelByKey}). A recurring schedule's instance may be looked up by its
     * reserved key, {@code dbmq:recurring:<name>}: when its next tick is due.
     *
     * @throws IllegalArgumentException when {@code key} is null, or is of a length or text that {@link Enqueue#key}
     *                                  refuses
     */
    public Optional<PendingTask> findPendingByKey(String key) {
        Enqueue.checkKeyText(key, "nothing was looked up");
        ensureOpen();
        return Optional.ofNullable(database.autocommit(dsl -> TaskStore.findPendingByKey(dsl, key)))
                .map(TaskQueue::pendingTask);
    }

    /** A row's metadata, or none when it can't be read (written by another tool; the foreman logs it when it runs). */
    private static Map<String, String> metadataOf(TaskStore.Row row) {
        try {
            return TaskMetadata.decode(row.metadata());
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }

    private static PendingTask pendingTask(TaskStore.Row row) {
        Map<String, String> metadata = metadataOf(row);
        // a task due at once (TaskStore.AT_ONCE) is due from its enqueue on, as its handler's context says
        return new PendingTask(row.id(), row.taskName(), row.attempt(),
                Instant.ofEpochMilli(Math.max(row.dueAt(), row.createdAt())), Instant.ofEpochMilli(row.createdAt()),
                Optional.ofNullable(row.uniqueKey()), metadata, row.args(), row.priority());
    }

    /**
     * The foremen alive on this queue, oldest first, read from the database: from any process, not only the foremen's
     * own. Alive is the database's verdict, never a clock's: on SQLite the foreman holding the database's foreman
     * lock (the kernel frees it when its process dies, however it dies); on PostgreSQL each foreman holding its
     * advisory lock, which its LISTEN session holds, so a killed process, a lost host or a dropped connection counts
     * as gone at once. A stopped foreman is not listed, nor a {@link ManualForeman} (a test's or a batch job's, which
     * runs tasks only when told to).
     */
    public List<ForemanInfo> foremen() {
        ensureOpen();
        return database.autocommit(dsl -> {
            Map<String, Integer> busy = RunningStore.countByForeman(dsl);
            return backend.storage().foremen(dsl).stream()
                    .filter(r -> r.alive() && !Foreman.State.STOPPED.name().equals(r.state()))
                    .map(r -> new ForemanInfo(r.id(), r.host(), r.pid(), Instant.ofEpochMilli(r.startedAt()),
                            r.workers(), busy.getOrDefault(r.id(), 0), r.handles(),
                            Foreman.State.valueOf(r.state())))
                    .toList();
        });
    }

    /**
     * The foremen of this queue that are no longer alive, the most recently started first: stopped, failed, or died
     * (killed, their host or connection lost); each kept for a week after it ended. Alive is decided as for
     * {@link #foremen()}.
     */
    public List<GoneForeman> goneForemen() {
        ensureOpen();
        return database.autocommit(dsl -> backend.storage().foremen(dsl)).stream()
                .filter(r -> !r.alive() || Foreman.State.STOPPED.name().equals(r.state()))
                .sorted(java.util.Comparator.comparingLong(ForemanRegistry.Row::startedAt).reversed())
                .map(r -> new GoneForeman(r.id(), r.host(), r.pid(), Instant.ofEpochMilli(r.startedAt()),
                        r.workers(), r.handles(), end(r.state()),
                        Optional.ofNullable(r.stoppedAt()).map(Instant::ofEpochMilli)))
                .toList();
    }

    private static GoneForeman.End end(String state) {
        return Foreman.State.STOPPED.name().equals(state) ? GoneForeman.End.STOPPED
                : Foreman.State.FAILED.name().equals(state) ? GoneForeman.End.FAILED : GoneForeman.End.DIED;
    }

    /**
     * The recurring schedules with a pending instance, by name: each one's task, schedule, next tick and args. A
     * schedule removed with {@link #unschedule}, or whose instance a claim holds at this moment, is not listed.
     */
    public List<RecurringSchedule> schedules() {
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.instances(backend.storage(), dsl, RecurringTasks.KEY_PREFIX))
                .stream()
                .map(r -> new RecurringSchedule(r.uniqueKey().substring(RecurringTasks.KEY_PREFIX.length()),
                        r.taskName(), r.schedule(), Instant.ofEpochMilli(Math.max(r.dueAt(), r.createdAt())),
                        Instant.ofEpochMilli(r.createdAt()), r.args()))
                .toList();
    }

    /**
     * The attempts running now on the live foremen of this queue, the longest running first, read from the database:
     * from any process. Each was recorded by the transaction that claimed it. Not listed: the tasks of a
     * {@link ManualForeman}, which keeps no records, and those of a foreman that is gone (killed, its host lost),
     * which the next foreman to look keeps as failed, {@code interrupted}.
     */
    public List<RunningTask> running() {
        ensureOpen();
        return database.autocommit(dsl -> {
            List<RunningStore.Running> all = RunningStore.all(dsl);
            if (all.isEmpty()) {
                return List.<RunningTask>of();
            }
            java.util.Set<String> alive = new java.util.HashSet<>();
            backend.storage().foremen(dsl).stream().filter(ForemanRegistry.Row::alive)
                    .forEach(r -> alive.add(r.id()));
            return all.stream().filter(r -> alive.contains(r.foremanId())).map(TaskQueue::runningTask).toList();
        });
    }

    private static RunningTask runningTask(RunningStore.Running r) {
        TaskStore.Row row = r.task();
        Map<String, String> metadata = metadataOf(row);
        return new RunningTask(row.id(), row.taskName(), row.attempt(), r.foremanId(),
                Instant.ofEpochMilli(r.startedAt()), Instant.ofEpochMilli(row.createdAt()),
                r.progress() == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(r.progress()),
                Optional.ofNullable(r.note()), metadata, row.args());
    }

    /** Tasks waiting to be claimed. */
    public long pending() {
        ensureOpen();
        return database.autocommit(TaskStore::pending);
    }

    /** Pending count, oldest task age, per-task done/failed counts and kept failures, read in one go. */
    public QueueStats stats() {
        ensureOpen();
        long now = clock.millis();
        return database.autocommit(dsl -> TaskStore.stats(dsl, now));
    }

    /**
     * The queue per task name, by name: due, scheduled and retrying tasks, running attempts, kept failures, counts,
     * the oldest due task's age and the next due time. An operator's overview, read with a cost bounded by indexes,
     * however many tasks are queued (several statements, no transaction: on SQLite a transaction takes the write lock
     * a claim needs, and a snapshot is not worth that to an overview): each count of tasks stops at
     * {@link TaskNameStats#COUNT_LIMIT} (a count of that many means at least that many). {@link #stats()} has exact
     * totals, at the cost of reading every pending task.
     */
    public List<TaskNameStats> statsByName() {
        ensureOpen();
        long now = clock.millis();
        return database.autocommit(dsl -> TaskStore.statsByName(dsl, now, TaskNameStats.COUNT_LIMIT));
    }

    /** The most recently failed tasks kept in the failed-tasks table, newest first. */
    public List<FailedTask> failedTasks(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.failed(dsl, limit));
    }

    /**
     * Puts a kept failed task back in the queue, as a new task with a new id, in one transaction.
     *
     * @return the new task id, or empty when there is no failed task with that id
     */
    public OptionalLong requeueFailed(long failedTaskId) {
        ensureOpen();
        long now = clock.millis();
        OptionalLong id = database.transaction(dsl -> TaskStore.requeue(dsl, failedTaskId, now));
        if (id.isPresent()) {
            wake(false);
        }
        return id;
    }

    /** Deletes a kept failed task; false when there was none with that id. */
    public boolean deleteFailed(long failedTaskId) {
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.deleteFailed(dsl, failedTaskId));
    }

    /**
     * The kept failed tasks matching {@code filter}, newest first, at most {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public List<FailedTask> failedTasks(FailedFilter filter, int limit) {
        Objects.requireNonNull(filter, "filter");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.failed(dsl, TaskStore.failedMatching(filter), limit));
    }

    /** How many kept failed tasks match {@code filter}: what {@link #requeueFailed(FailedFilter)} would move now. */
    public int countFailed(FailedFilter filter) {
        Objects.requireNonNull(filter, "filter");
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.countFailed(dsl, TaskStore.failedMatching(filter)));
    }

    /**
     * Puts every kept failed task matching {@code filter} back in the queue, each as a new task due at once (a new id;
     * its args and metadata; no key), all in one transaction: all of them or, when it fails, none. Foremen are woken
     * once, after the commit.
     *
     * <pre>{@code
     * int requeued = queue.requeueFailed(FailedFilter.all().taskName("send-email").reasonContains("timeout"));
     * }</pre>
     *
     * @return how many were requeued
     */
    public int requeueFailed(FailedFilter filter) {
        Objects.requireNonNull(filter, "filter");
        ensureOpen();
        long now = clock.millis();
        int moved = database.transaction(dsl -> backend.storage().requeueFailed(dsl, TaskStore.failedMatching(filter),
                now));
        if (moved > 0) {
            wake(false);
        }
        return moved;
    }

    /**
     * Deletes every kept failed task matching {@code filter}, in one statement: all of them or none.
     *
     * <pre>{@code
     * int deleted = queue.deleteFailed(FailedFilter.all().failedBefore(Instant.now().minus(Duration.ofDays(7))));
     * }</pre>
     *
     * @return how many were deleted
     */
    public int deleteFailed(FailedFilter filter) {
        Objects.requireNonNull(filter, "filter");
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.deleteFailed(dsl, TaskStore.failedMatching(filter)));
    }

    /**
     * The pending tasks matching {@code filter} (recurring schedules' instances are not listed), in the order claims
     * take them: tasks due at once by id, then those due later by due time; at most {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public List<PendingTask> pendingTasks(PendingFilter filter, int limit) {
        Objects.requireNonNull(filter, "filter");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.pendingMatching(dsl, filter,
                TaskStore.pendingMatching(backend.storage(), filter), limit)).stream().map(TaskQueue::pendingTask)
                .toList();
    }

    /**
     * Pauses a lane ({@link Task#lane}): from the commit on, no foreman claims a task of it, in this process or any
     * other; tasks of it already running finish, and its tasks keep queueing. Persisted: it stays paused across
     * restarts until {@link #resume}. Every foreman is woken, so its lane stops within milliseconds, not at a poll.
     *
     * @return false when the lane was paused already
     * @throws IllegalArgumentException when {@code lane} is not a lane name
     */
    public boolean pause(String lane) {
        Task.checkLane(lane, "lane");
        ensureOpen();
        boolean paused = database.transaction(dsl -> LaneStore.pause(dsl, lane, clock.millis()));
        wake(false); // a paused lane's foreman stops offering its idle workers to producers, at once
        return paused;
    }

    /**
     * Resumes a paused lane: every foreman is woken and claims its due tasks at once.
     *
     * @return false when the lane was not paused
     * @throws IllegalArgumentException when {@code lane} is not a lane name
     */
    public boolean resume(String lane) {
        Task.checkLane(lane, "lane");
        ensureOpen();
        boolean resumed = database.transaction(dsl -> LaneStore.resume(dsl, lane));
        wake(false);
        return resumed;
    }

    /** The paused lanes, by name, each with when it was paused. */
    public Map<String, Instant> pausedLanes() {
        ensureOpen();
        return database.autocommit(LaneStore::all);
    }

    /**
     * Cancels every pending task matching {@code filter} (first attempts, and retries waiting for their backoff), in
     * one statement: all of them or none, and none of them will run. A task claimed before the statement is running,
     * not pending, and is not touched: {@link #cancel(long)} asks a running task to stop. Recurring schedules'
     * instances are never matched ({@link #unschedule} removes a schedule).
     *
     * <pre>{@code
     * int cancelled = queue.cancelPending(PendingFilter.all().taskName("trial-reminder").keyPrefix("trial:"));
     * }</pre>
     *
     * @return how many were cancelled
     */
    public int cancelPending(PendingFilter filter) {
        Objects.requireNonNull(filter, "filter");
        ensureOpen();
        return database.autocommit(dsl -> TaskStore.cancelPending(dsl,
                TaskStore.pendingMatching(backend.storage(), filter)));
    }

    /**
     * The finished attempts of one task, oldest first, as the history keeps them ({@link QueueSettings#history()}):
     * empty when none ended within the retention, or the queue keeps no history. Entries are written about a second
     * after their attempts end.
     */
    public List<FinishedAttempt> history(long taskId) {
        ensureOpen();
        return database.autocommit(dsl -> HistoryStore.ofTask(dsl, taskId)).stream().map(TaskQueue::finished)
                .toList();
    }

    /** The newest finished attempts, of every task, newest first, at most {@code limit}; see {@link #history(long)}. */
    public List<FinishedAttempt> recentHistory(int limit) {
        return recentHistory(null, limit);
    }

    /**
     * The newest finished attempts of tasks named {@code taskName}, newest first, at most {@code limit}; see
     * {@link #history(long)}.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public List<FinishedAttempt> recentHistory(String taskName, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        ensureOpen();
        return database.autocommit(dsl -> HistoryStore.newest(dsl, taskName, limit)).stream()
                .map(TaskQueue::finished).toList();
    }

    private static FinishedAttempt finished(HistoryStore.Entry e) {
        return new FinishedAttempt(e.id(), e.taskName(), e.attempt(), FinishedAttempt.Outcome.valueOf(e.outcome()),
                Instant.ofEpochMilli(e.createdAt()), Instant.ofEpochMilli(e.startedAt()),
                Instant.ofEpochMilli(e.finishedAt()), Optional.ofNullable(e.foremanId()),
                Optional.ofNullable(e.error()));
    }

    /**
     * Done and failed counts per task name and minute, of the minutes that started within the last {@code window} (at
     * most a day: what is kept), by name, then minute; minutes without any are left out. Written with the foremen's counts, about once a second.
     *
     * @throws IllegalArgumentException when {@code window} is not between a minute and a day
     */
    public List<MinuteCount> countsPerMinute(java.time.Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.compareTo(java.time.Duration.ofMinutes(1)) < 0 || window.compareTo(HistoryPruning.MINUTES_KEPT) > 0) {
            throw new IllegalArgumentException("window must be between 1 minute and 1 day, was " + window);
        }
        ensureOpen();
        long from = Math.floorDiv(clock.millis() - window.toMillis() + 59_999, 60_000); // minutes starting within
        return database.autocommit(dsl -> HistoryStore.minutes(dsl, from)).stream()
                .map(m -> new MinuteCount(m.taskName(), Instant.ofEpochSecond(m.minute() * 60), m.done(),
                        m.failed()))
                .toList();
    }

    /**
     * The settings this queue was opened with; on SQLite with the wakeup directory it uses, also when that is the
     * default (see {@link QueueSettings#wakeupDirectory()}).
     */
    public QueueSettings settings() {
        return settings;
    }

    /** Closes the database connection. Idempotent. Stop foremen on this queue first. */
    @Override
    public void close() {
        closed = true;
        backend.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the queue on " + backend.describe() + " is closed");
        }
    }

    // ---- for the foreman (same package) ----

    /**
     * After a commit: wakes a foreman of this JVM directly; else the backend wakes foremen in other processes (SQLite:
     * the wakeup directory; on PostgreSQL the insert trigger's NOTIFY reaches every foreman anyway).
     */
    void wake(boolean fromCommitHook) {
        wake(null, fromCommitHook);
    }

    /** As {@link #wake(boolean)}; with a task name (one task's commit), a foreman here wakes only that task's lane. */
    private void wake(String taskName, boolean fromCommitHook) {
        WakeTarget local = LocalForemen.find(backend.key());
        if (local == null) {
            backend.wakeups().wakeOtherProcesses();
        } else if (fromCommitHook) {
            local.wakeFromCommitHook();
        } else if (taskName != null) {
            local.wake(taskName);
        } else {
            local.wake();
        }
    }

    /**
     * A worker slot of an idle foreman of this JVM for a task due now, or null: see {@link Handoff}. Never throws:
     * without one the task is enqueued and claimed as any other.
     */
    private Handoff reserveHandoff(String taskName, String json) {
        WakeTarget local = backend.storage().handsOver() ? LocalForemen.find(backend.key()) : null;
        if (local == null) {
            return null;
        }
        try {
            return local.reserve(taskName, json);
        } catch (Throwable t) {
            log.debug("No hand-over to the foreman of this JVM: {}", t.toString());
            return null;
        }
    }

    Backend backend() {
        return backend;
    }

    Database database() {
        return database;
    }

    ArgsCodec codec() {
        return codec;
    }

    InstantSource clock() {
        return clock;
    }

    boolean isClosed() {
        return closed;
    }
}
