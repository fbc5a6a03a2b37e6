package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recurring schedules: one pending instance per schedule name, held by the reserved key
 * {@code dbmq:recurring:<name>}, whose row carries the schedule's {@link Schedule#spec()}.
 *
 * <p>The claim that takes an instance writes the next one, in the same transaction ({@link #writeNext}): a crash can
 * skip a tick (the claimed instance is lost, at most once) but never run one twice, and with several PostgreSQL
 * foremen the instance is claimed by one of them. The next instance is read from the row, not from this foreman's
 * registrations, so any foreman that handles the task keeps the schedule going. At start a foreman makes sure each of
 * its own schedules has a pending instance, with its schedule and args ({@link #ensureScheduled}): the last foreman
 * to start decides a schedule, and foremen started earlier with another registration carry it on.
 *
 * <p>Immutable once built; thread-safe.
 */
final class RecurringTasks {

    private static final Logger log = LoggerFactory.getLogger(RecurringTasks.class);

    /** Longest schedule name. */
    static final int MAX_NAME_LENGTH = 100;
    static final String KEY_PREFIX = Enqueue.RESERVED_KEY_PREFIX + "recurring:";
    /** Attempts of {@link #ensureScheduled} per schedule: each failed one means another transaction wrote the row. */
    static final int MAX_ATTEMPTS = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");

    /**
     * One schedule as a foreman registered it: the task's name, its args as JSON, its task's priority and its
     * {@link Task#limitBy} key of the args (or null).
     */
    record Registration(String name, Schedule schedule, String taskName, String args, int priority, String limitKey) {
        String key() {
            return RecurringTasks.key(name);
        }
    }

    private final Map<String, Registration> byName = new LinkedHashMap<>();
    // Specs met in claimed rows, parsed once (cron parsing per tick would be waste).
    private final ConcurrentHashMap<String, Schedule> parsed = new ConcurrentHashMap<>();

    static String key(String scheduleName) {
        return KEY_PREFIX + scheduleName;
    }

    /**
     * Refuses what can't be a schedule's name, so that a name given to {@code TaskQueue.unschedule} is checked as one
     * given to {@link Foreman.Builder#recurring} is.
     *
     * @param what the argument's name, for the message
     * @throws IllegalArgumentException naming {@code what}
     */
    static void checkName(String what, String name) {
        if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_NAME_LENGTH
                    + " characters of [A-Za-z0-9_.:-], starting with a letter or digit, was "
                    + (name == null ? "null" : '"' + name + '"'));
        }
    }

    /** @throws IllegalArgumentException when the name is not a valid schedule name, or taken */
    void add(String name, Schedule schedule, String taskName, String args, int priority, String limitKey) {
        Objects.requireNonNull(schedule, "schedule");
        checkName("recurring name", name);
        if (byName.putIfAbsent(name, new Registration(name, schedule, taskName, args, priority, limitKey)) != null) {
            throw new IllegalArgumentException("a recurring schedule named " + name + " is already registered");
        }
        parsed.put(schedule.spec(), schedule);
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    List<Registration> registrations() {
        return List.copyOf(byName.values());
    }

    RecurringTasks copy() {
        RecurringTasks copy = new RecurringTasks();
        copy.byName.putAll(byName);
        copy.parsed.putAll(parsed);
        return copy;
    }

    /** For the start line: {@code [nightly-report: cron 0 3 * * * Europe/Amsterdam -> report]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (Registration r : byName.values()) {
            sb.append(sb.length() == 1 ? "" : ", ").append(r.name()).append(": ").append(r.schedule().spec())
                    .append(" -> ").append(r.taskName());
        }
        return sb.append(']').toString();
    }

    /**
     * Makes sure each registered schedule has a pending instance carrying its schedule, task and args: writes the
     * first one (due at {@link Schedule#first}) when there is none, replaces what a pending one carries when the
     * registration changed (a new deploy), leaves it alone otherwise. Idempotent.
     *
     * <p>Each write is a compare-and-set on the row as read: with several PostgreSQL foremen, another's claim may
     * take the pending instance and write the next between this read and this write, or another foreman's start may
     * write its own registration; the write then changes nothing, and the schedule is read and decided again. So the
     * last foreman to start decides what the schedule is, and as the claims carry each row's schedule and args
     * forward, foremen started earlier with another registration keep to it. (On SQLite the transaction holds the
     * write lock from its start: nothing comes between.) Logs only what was written, once committed.
     *
     * @throws DbmqException when the pending instance changed under each of {@link #MAX_ATTEMPTS} attempts
     */
    void ensureScheduled(Database database, long nowMillis) {
        for (Registration r : byName.values()) {
            Written written = null;
            for (int attempt = 1; written == null; attempt++) {
                if (attempt > MAX_ATTEMPTS) {
                    throw new DbmqException("recurring " + r.name() + ": its pending instance changed under each of "
                            + MAX_ATTEMPTS + " attempts to make it carry this foreman's registration (" + r.schedule()
                            .spec() + " -> " + r.taskName() + "); nothing written, start again");
                }
                written = database.transaction(dsl -> ensure(dsl, r, nowMillis));
                if (written == null) {
                    log.debug("Recurring {}: the pending instance changed under attempt {}; reading it again",
                            r.name(), attempt);
                }
            }
            written.log(r);
        }
    }

    /** What a start wrote for one schedule. */
    private sealed interface Written {
        void log(Registration r);
    }

    private record Unchanged() implements Written {
        @Override
        public void log(Registration r) {
        }
    }

    private record First(long dueAt) implements Written {
        @Override
        public void log(Registration r) {
            log.info("Recurring {}: first instance due {}", r.name(), Instant.ofEpochMilli(dueAt));
        }
    }

    private record Replaced(Pending was, Change change) implements Written {
        @Override
        public void log(Registration r) {
            log.info("Recurring {}: pending instance {} now runs {} on {}{} (was {} on {}), due {}", r.name(),
                    was.id(), r.taskName(), r.schedule().spec(),
                    r.args().equals(was.args()) ? "" : " with new args", was.taskName(), was.schedule(),
                    Instant.ofEpochMilli(change.dueAt()));
        }
    }

    /** A pending instance as read. */
    record Pending(long id, String taskName, String args, String schedule, long dueAt, int priority) {
    }

    /** What a pending instance is to carry: the registration, due at {@code dueAt}. */
    record Change(long dueAt) {
    }

    /**
     * What a start changes in a pending instance, null for nothing: a changed schedule starts over from now (due at
     * {@code firstMillis}, its first tick), changed args, task or priority keep the due time.
     */
    static Change change(Pending pending, String taskName, String args, int priority, String schedule,
                         long firstMillis) {
        boolean sameSchedule = schedule.equals(pending.schedule());
        if (sameSchedule && taskName.equals(pending.taskName()) && args.equals(pending.args())
                && priority == pending.priority()) {
            return null;
        }
        return new Change(sameSchedule ? pending.dueAt() : firstMillis);
    }

    /** One attempt; null when another transaction changed the row in between (nothing written). */
    private static Written ensure(DSLContext dsl, Registration r, long nowMillis) {
        Pending pending = pending(dsl, r);
        long first = r.schedule().first(Instant.ofEpochMilli(nowMillis)).toEpochMilli();
        if (pending == null) {
            boolean inserted = TaskStore.insertInstance(dsl, r.taskName(), r.args(), nowMillis, first, r.priority(),
                    r.key(), r.schedule().spec(), r.limitKey());
            return inserted ? new First(first) : null; // another's instance came first: compare with it
        }
        Change change = change(pending, r.taskName(), r.args(), r.priority(), r.schedule().spec(), first);
        if (change == null) {
            return new Unchanged();
        }
        return replace(dsl, pending, r, change.dueAt()) ? new Replaced(pending, change) : null;
    }

    /** The pending instance; null when none. */
    private static Pending pending(DSLContext dsl, Registration r) {
        return dsl.select(DBMQ_TASK.ID, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.SCHEDULE, DBMQ_TASK.DUE_AT,
                        DBMQ_TASK.PRIORITY)
                .from(DBMQ_TASK).where(DBMQ_TASK.UNIQUE_KEY.eq(r.key()))
                .fetchOne(p -> new Pending(p.value1(), p.value2(), p.value3(), p.value4(), p.value5(), p.value6()));
    }

    /**
     * Makes the pending instance carry {@code r}, due at {@code dueAt}, if it is still the row read as {@code was}
     * (on PostgreSQL the update waits for a claim holding the row, then finds it gone); whether it was.
     */
    private static boolean replace(DSLContext dsl, Pending was, Registration r, long dueAt) {
        return dsl.update(DBMQ_TASK)
                .set(DBMQ_TASK.TASK_NAME, r.taskName())
                .set(DBMQ_TASK.ARGS, r.args())
                .set(DBMQ_TASK.SCHEDULE, r.schedule().spec())
                .set(DBMQ_TASK.DUE_AT, dueAt)
                .set(DBMQ_TASK.PRIORITY, r.priority())
                .set(DBMQ_TASK.LIMIT_KEY, r.limitKey())
                .where(DBMQ_TASK.UNIQUE_KEY.eq(r.key()))
                .and(DBMQ_TASK.ID.eq(was.id()))
                .and(DBMQ_TASK.TASK_NAME.eq(was.taskName()))
                .and(DBMQ_TASK.ARGS.eq(was.args()))
                .and(DBMQ_TASK.SCHEDULE.isNotDistinctFrom(was.schedule()))
                .and(DBMQ_TASK.DUE_AT.eq(was.dueAt()))
                .and(DBMQ_TASK.PRIORITY.eq(was.priority()))
                .execute() > 0;
    }

    /**
     * At start, after {@link #ensureScheduled}: logs, at INFO, one line for each schedule (at most
     * {@value #MAX_UNREGISTERED_SHOWN}) whose pending instance runs a task this foreman handles but whose name it does
     * not register. Such an instance carries its schedule, so this foreman runs it and writes the next one: a schedule
     * whose registration a deploy dropped keeps running until {@code TaskQueue.unschedule}. That is kept as it is
     * (the instance may be another foreman's, which still registers it); the line makes it visible. Costs one query
     * on the keyed tasks ({@link TaskStore#instancesOtherThan}). Never throws: it only logs.
     */
    void reportUnregistered(Storage storage, List<String> handledNames) {
        List<TaskStore.Row> rows;
        try {
            rows = storage.database().autocommit(dsl -> unregistered(storage, dsl, handledNames));
        } catch (RuntimeException e) {
            log.warn("Cannot look for recurring schedules this foreman does not register ({}); starting anyway",
                    e.toString());
            return;
        }
        for (TaskStore.Row row : rows.subList(0, Math.min(rows.size(), MAX_UNREGISTERED_SHOWN))) {
            String name = row.uniqueKey().substring(KEY_PREFIX.length());
            log.info("Recurring {}: pending instance {} runs {} on {}, due {}; this foreman does not register it but"
                    + " handles {}, so the schedule keeps running until TaskQueue.unschedule(\"{}\")", name,
                    row.id(), row.taskName(), row.schedule(),
                    Instant.ofEpochMilli(Math.max(row.dueAt(), row.createdAt())), row.taskName(), name);
        }
        if (rows.size() > MAX_UNREGISTERED_SHOWN) {
            log.info("… and more recurring schedules that this foreman does not register keep running");
        }
    }

    /** Most schedules {@link #reportUnregistered} names. */
    static final int MAX_UNREGISTERED_SHOWN = 10;

    /** The pending instances {@link #reportUnregistered} reports, one more than it names. */
    List<TaskStore.Row> unregistered(Storage storage, DSLContext dsl, List<String> handledNames) {
        Set<String> registered = new HashSet<>();
        byName.values().forEach(r -> registered.add(r.key()));
        return TaskStore.instancesOtherThan(storage, dsl, KEY_PREFIX, handledNames, registered,
                MAX_UNREGISTERED_SHOWN + 1);
    }

    /**
     * Runs what {@link #ensureScheduled} and {@link #writeNext} run, for each registration, on {@code offline}: see
     * {@link ForemanWarmUp}.
     */
    void warmUp(DSLContext offline, long nowMillis) {
        for (Registration r : byName.values()) {
            pending(offline, r);
            TaskStore.insertInstance(offline, r.taskName(), r.args(), nowMillis, nowMillis, r.priority(), r.key(),
                    r.schedule().spec(), r.limitKey());
            replace(offline, new Pending(-1, r.taskName(), r.args(), r.schedule().spec(), nowMillis, r.priority()), r,
                    nowMillis);
            r.schedule().first(Instant.ofEpochMilli(nowMillis));
            r.schedule().next(Instant.ofEpochMilli(nowMillis), Instant.ofEpochMilli(nowMillis));
        }
    }

    /**
     * In the claim's transaction, for a claimed row that is a recurring instance: writes the next instance, due at
     * the schedule's next tick after both the claimed one and now (missed ticks are skipped). A row whose schedule
     * can't be read (written by a newer version, say) is run without a next instance, and logged: a foreman that
     * registers the schedule writes one when it starts.
     */
    void writeNext(DSLContext dsl, TaskStore.Row row, long nowMillis) {
        if (row.schedule() == null || row.uniqueKey() == null || !row.uniqueKey().startsWith(KEY_PREFIX)) {
            return;
        }
        Schedule schedule;
        try {
            schedule = parsed.computeIfAbsent(row.schedule(), Schedule::parse);
        } catch (IllegalArgumentException e) {
            log.error("Recurring {}: task {} has a schedule this foreman can't read ({}); no next instance until a"
                    + " foreman that registers it starts", row.uniqueKey().substring(KEY_PREFIX.length()),
                    row.id(), e.getMessage());
            return;
        }
        long next = schedule.next(Instant.ofEpochMilli(row.dueAt()), Instant.ofEpochMilli(nowMillis)).toEpochMilli();
        TaskStore.insertInstance(dsl, row.taskName(), row.args(), nowMillis, next, row.priority(), row.uniqueKey(),
                row.schedule(), row.limitKey());
    }
}
