package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.TaskStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.Record5;
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
 * its own schedules has a pending instance, with its schedule and args ({@link #ensureScheduled}).
 *
 * <p>Immutable once built; thread-safe.
 */
final class RecurringTasks {

    private static final Logger log = LoggerFactory.getLogger(RecurringTasks.class);

    /** Longest schedule name. */
    static final int MAX_NAME_LENGTH = 100;
    static final String KEY_PREFIX = Enqueue.RESERVED_KEY_PREFIX + "recurring:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");

    /** One schedule as a foreman registered it: the task's name and its args as JSON. */
    record Registration(String name, Schedule schedule, String taskName, String args) {
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

    /** @throws IllegalArgumentException when the name is not a valid schedule name, or taken */
    void add(String name, Schedule schedule, String taskName, String args) {
        Objects.requireNonNull(schedule, "schedule");
        if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("recurring name must be 1 to " + MAX_NAME_LENGTH
                    + " characters of [A-Za-z0-9_.:-], starting with a letter or digit, was "
                    + (name == null ? "null" : '"' + name + '"'));
        }
        if (byName.putIfAbsent(name, new Registration(name, schedule, taskName, args)) != null) {
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
     * registration changed (a new deploy), leaves it alone otherwise. Idempotent; foremen starting at once on
     * PostgreSQL write one instance (the key is unique; the loser's insert does nothing).
     */
    void ensureScheduled(Database database, long nowMillis) {
        for (Registration r : byName.values()) {
            database.transaction(dsl -> {
                ensure(dsl, r, nowMillis);
                return null;
            });
        }
    }

    private static void ensure(DSLContext dsl, Registration r, long nowMillis) {
        var pending = pending(dsl, r);
        long first = r.schedule().first(Instant.ofEpochMilli(nowMillis)).toEpochMilli();
        if (pending == null) {
            if (TaskStore.insertInstance(dsl, r.taskName(), r.args(), nowMillis, first, r.key(),
                    r.schedule().spec())) {
                log.info("Recurring {}: first instance due {}", r.name(), Instant.ofEpochMilli(first));
            }
            return;
        }
        boolean sameSchedule = r.schedule().spec().equals(pending.value4());
        if (sameSchedule && r.taskName().equals(pending.value2()) && r.args().equals(pending.value3())) {
            return;
        }
        // A changed schedule starts over from now; changed args or task keep the due time.
        long due = sameSchedule ? pending.value5() : first;
        update(dsl, pending.value1(), r, due);
        log.info("Recurring {}: pending instance {} now runs {} on {} (was {} on {}), due {}", r.name(),
                ShortId.of(pending.value1()), r.taskName(), r.schedule().spec(), pending.value2(), pending.value4(),
                Instant.ofEpochMilli(due));
    }

    /** The pending instance: id, task name, args, schedule, due time; null when none. */
    private static Record5<Long, String, String, String, Long> pending(DSLContext dsl, Registration r) {
        return dsl.select(DBMQ_TASK.ID, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.SCHEDULE, DBMQ_TASK.DUE_AT)
                .from(DBMQ_TASK).where(DBMQ_TASK.UNIQUE_KEY.eq(r.key())).fetchOne();
    }

    private static void update(DSLContext dsl, long id, Registration r, long dueAt) {
        dsl.update(DBMQ_TASK)
                .set(DBMQ_TASK.TASK_NAME, r.taskName())
                .set(DBMQ_TASK.ARGS, r.args())
                .set(DBMQ_TASK.SCHEDULE, r.schedule().spec())
                .set(DBMQ_TASK.DUE_AT, dueAt)
                .where(DBMQ_TASK.ID.eq(id))
                .execute();
    }

    /**
     * Runs what {@link #ensureScheduled} and {@link #writeNext} run, for each registration, on {@code offline}: see
     * {@link ForemanWarmUp}.
     */
    void warmUp(DSLContext offline, long nowMillis) {
        for (Registration r : byName.values()) {
            pending(offline, r);
            TaskStore.insertInstance(offline, r.taskName(), r.args(), nowMillis, nowMillis, r.key(),
                    r.schedule().spec());
            update(offline, -1, r, nowMillis);
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
                    ShortId.of(row.id()), e.getMessage());
            return;
        }
        long next = schedule.next(Instant.ofEpochMilli(row.dueAt()), Instant.ofEpochMilli(nowMillis)).toEpochMilli();
        TaskStore.insertInstance(dsl, row.taskName(), row.args(), nowMillis, next, row.uniqueKey(), row.schedule());
    }
}
