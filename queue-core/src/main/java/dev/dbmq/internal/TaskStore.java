package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK_COUNT;

import dev.dbmq.DbmqException;
import dev.dbmq.FailedFilter;
import dev.dbmq.FailedTask;
import dev.dbmq.PendingFilter;
import dev.dbmq.Task;
import dev.dbmq.QueueStats;
import dev.dbmq.TaskNameStats;
import dev.dbmq.internal.jooq.tables.records.DbmqTaskRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DeleteResultStep;
import org.jooq.Field;
import org.jooq.InsertResultStep;
import org.jooq.InsertValuesStep6;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Record2;
import org.jooq.Record3;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * Every statement on the queue's tables that is the same on each database, written with the jOOQ classes generated
 * from the migrations; where a database differs (the claim's bound and locking, faster paths) it asks the backend's
 * {@link Storage}. Stateless: each method runs on the {@link DSLContext} it is given, inside whatever transaction the
 * caller holds.
 */
public final class TaskStore {

    /** Rows per INSERT in enqueueAll: 5 bind values a row stays far below SQLite's 32766-variable limit. */
    public static final int INSERT_CHUNK = 1000;

    private TaskStore() {
    }

    /** The predicate of the partial unique index on unique_key (V3), which an upsert's conflict target must name. */
    private static final org.jooq.Condition HAS_KEY = DBMQ_TASK.UNIQUE_KEY.isNotNull();

    /** Most times {@link #insertKeyed} tries when the key's task is claimed between its insert and its select. */
    private static final int KEYED_INSERT_TRIES = 100;

    /**
     * A row as claimed: deleted from the task table, returned to the claimer.
     *
     * @param dueAt     when this attempt was due, epoch ms
     * @param attempt   1 for the first
     * @param uniqueKey its key, or null (a recurring instance: {@code RecurringTasks.key})
     * @param schedule  a recurring instance's {@link dev.dbmq.Schedule#spec()}, or null
     * @param metadata  what enqueue interceptors stored with it, as {@code TaskMetadata} JSON, or null (none)
     * @param priority  0 runs first … 3 last ({@code Task.priority}, {@code Enqueue.priority})
     * @param limitKey  its {@code Task.limitBy} key, or null (a type without one)
     */
    public record Row(long id, String taskName, String args, long createdAt, long dueAt, int attempt, String uniqueKey,
               String schedule, String metadata, int priority, String limitKey) {
    }

    /** The priorities a claim reads, highest first: what V9's CHECK allows. */
    public static final List<Integer> PRIORITIES = java.util.stream.IntStream
            .rangeClosed(Task.HIGHEST_PRIORITY, Task.LOWEST_PRIORITY).boxed().toList();

    /**
     * {@code priority IN (0, 1, 2, 3)}, inlined: with the name, the leading columns of the claim index, so that a
     * condition on {@code due_at} after it is a range per priority (SQLite reads the ranges in order; PostgreSQL as
     * many index scans), where without it the due time would be a filter over the name's rows.
     */
    private static final Condition ANY_PRIORITY = DBMQ_TASK.PRIORITY.in(
            PRIORITIES.stream().map(DSL::inline).toList());

    /** The columns a claim returns, in {@link #row(Record)}'s order. */
    public static final List<Field<?>> ROW_FIELDS = List.of(DBMQ_TASK.ID, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS,
            DBMQ_TASK.CREATED_AT, DBMQ_TASK.DUE_AT, DBMQ_TASK.ATTEMPT, DBMQ_TASK.UNIQUE_KEY, DBMQ_TASK.SCHEDULE,
            DBMQ_TASK.METADATA, DBMQ_TASK.PRIORITY, DBMQ_TASK.LIMIT_KEY);

    public static InsertResultStep<Record1<Long>> insertQuery(DSLContext dsl, String taskName, String args,
                                                       String metadata, long createdAt, long dueAt, int priority) {
        return dsl.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.METADATA,
                        DBMQ_TASK.CREATED_AT, DBMQ_TASK.DUE_AT, DBMQ_TASK.PRIORITY)
                .values(taskName, args, metadata, createdAt, dueAt, priority)
                .returningResult(DBMQ_TASK.ID);
    }

    /** The portable insert of a task without a key; {@link Storage#insert} may take a faster path. */
    public static long insert(DSLContext dsl, String taskName, String args, String metadata, long createdAt,
                              long dueAt, int priority) {
        return insertQuery(dsl, taskName, args, metadata, createdAt, dueAt, priority).fetchOne().value1();
    }

    /**
     * Inserts a task with a unique key, or finds the pending task that holds the key: {@code INSERT … ON CONFLICT
     * (unique_key) DO NOTHING}, then the holder's id. On PostgreSQL the insert waits for a concurrent insert of the
     * same key to commit or roll back, so 16 producers of one key write one row; the holder may be claimed between
     * the two statements (the key is free again), and the insert is tried once more.
     *
     * @return the new task's id, or the holder's; and whether it was written
     */
    public static Keyed insertKeyed(DSLContext dsl, String taskName, String args, String metadata, long createdAt,
                             long dueAt, int priority, String key) {
        return insertKeyed(dsl, taskName, args, metadata, createdAt, dueAt, priority, key, null);
    }

    /**
     * A task of a type with {@code Task.limitBy}: the portable insert with its {@code limitKey}, and with a unique
     * {@code key} as {@link #insertKeyed} does; null {@code key}: a plain insert, always written.
     */
    public static Keyed insertLimited(DSLContext dsl, String taskName, String args, String metadata, long createdAt,
                                      long dueAt, int priority, String key, String limitKey) {
        if (key != null) {
            return insertKeyed(dsl, taskName, args, metadata, createdAt, dueAt, priority, key, limitKey);
        }
        return new Keyed(dsl.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.METADATA,
                        DBMQ_TASK.CREATED_AT, DBMQ_TASK.DUE_AT, DBMQ_TASK.PRIORITY, DBMQ_TASK.LIMIT_KEY)
                .values(taskName, args, metadata, createdAt, dueAt, priority, limitKey)
                .returningResult(DBMQ_TASK.ID).fetchOne().value1(), true);
    }

    private static Keyed insertKeyed(DSLContext dsl, String taskName, String args, String metadata, long createdAt,
                                     long dueAt, int priority, String key, String limitKey) {
        for (int i = 0; i < KEYED_INSERT_TRIES; i++) {
            Record1<Long> inserted = dsl.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS,
                            DBMQ_TASK.METADATA, DBMQ_TASK.CREATED_AT, DBMQ_TASK.DUE_AT, DBMQ_TASK.PRIORITY,
                            DBMQ_TASK.UNIQUE_KEY, DBMQ_TASK.LIMIT_KEY)
                    .values(taskName, args, metadata, createdAt, dueAt, priority, key, limitKey)
                    .onConflict(DBMQ_TASK.UNIQUE_KEY).where(HAS_KEY).doNothing()
                    .returningResult(DBMQ_TASK.ID)
                    .fetchOne();
            if (inserted != null) {
                return new Keyed(inserted.value1(), true);
            }
            Long holder = dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK).where(DBMQ_TASK.UNIQUE_KEY.eq(key)).fetchOne(
                    DBMQ_TASK.ID);
            if (holder != null) {
                return new Keyed(holder, false);
            }
        }
        throw new DbmqException("key \"" + key + "\" was taken and freed " + KEYED_INSERT_TRIES
                + " times while this enqueue tried to write it; nothing written");
    }

    /**
     * Writes a recurring schedule's instance unless one is pending already (its key taken): {@code ON CONFLICT DO
     * NOTHING}. Returns whether it was written.
     */
    public static boolean insertInstance(DSLContext dsl, String taskName, String args, long createdAt, long dueAt,
                                  int priority, String key, String schedule, String limitKey) {
        return dsl.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT, DBMQ_TASK.DUE_AT,
                        DBMQ_TASK.PRIORITY, DBMQ_TASK.UNIQUE_KEY, DBMQ_TASK.SCHEDULE, DBMQ_TASK.LIMIT_KEY)
                .values(taskName, args, createdAt, dueAt, priority, key, schedule, limitKey)
                .onConflict(DBMQ_TASK.UNIQUE_KEY).where(HAS_KEY).doNothing()
                .execute() > 0;
    }

    /** What {@link #insertKeyed} did. */
    public record Keyed(long id, boolean written) {
    }

    /**
     * Inserts without a key, or with one through {@link #insertKeyed}, and with a {@code Task.limitBy} key
     * ({@link #insertLimited}) or none; returns the id.
     */
    public static long insert(DSLContext dsl, String taskName, String args, String metadata, long createdAt, long dueAt,
                       int priority, String key, String limitKey) {
        if (limitKey != null) {
            return insertLimited(dsl, taskName, args, metadata, createdAt, dueAt, priority, key, limitKey).id();
        }
        return key == null ? insert(dsl, taskName, args, metadata, createdAt, dueAt, priority)
                : insertKeyed(dsl, taskName, args, metadata, createdAt, dueAt, priority, key).id();
    }

    /**
     * The portable multi-row insert, in statements of {@link #INSERT_CHUNK} rows; the ids come back ascending, which
     * is insertion order for one statement.
     */
    public static List<Long> insertAll(DSLContext dsl, String taskName, List<String> args, String metadata,
                                       long createdAt, long dueAt, int priority) {
        List<Long> ids = new ArrayList<>(args.size());
        for (int from = 0; from < args.size(); from += INSERT_CHUNK) {
            InsertValuesStep6<DbmqTaskRecord, String, String, String, Long, Long, Integer> insert = dsl.insertInto(
                    DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.METADATA, DBMQ_TASK.CREATED_AT,
                    DBMQ_TASK.DUE_AT, DBMQ_TASK.PRIORITY);
            for (String json : args.subList(from, Math.min(args.size(), from + INSERT_CHUNK))) {
                insert = insert.values(taskName, json, metadata, createdAt, dueAt, priority);
            }
            List<Long> chunk = new ArrayList<>(insert.returningResult(DBMQ_TASK.ID).fetch(Record1::value1));
            chunk.sort(Comparator.naturalOrder());
            ids.addAll(chunk);
        }
        return ids;
    }

    /** {@link #insertAll} of a type with {@code Task.limitBy}: each task with its key, one insert each. */
    public static List<Long> insertAllLimited(DSLContext dsl, String taskName, List<String> args, String metadata,
                                              long createdAt, long dueAt, int priority, List<String> limitKeys) {
        List<Long> ids = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            ids.add(insertLimited(dsl, taskName, args.get(i), metadata, createdAt, dueAt, priority, null,
                    limitKeys.get(i)).id());
        }
        return ids;
    }

    /**
     * Claims through the backend's storage: deletes and returns up to {@code limit} of the tasks named {@code names}
     * (null: any name) due at {@code nowMillis}, in claim order ({@link #CLAIM_ORDER}); one statement, so a task is
     * claimed by exactly one caller.
     *
     * @throws DbmqException when the statement returned more than {@code limit} rows (no backend's statement can,
     *                       under any plan; should one ever do it, the caller's transaction must roll back rather
     *                       than hold tasks no worker is free for)
     */
    public static List<Row> claim(Storage storage, DSLContext dsl, int limit, List<String> names, long nowMillis) {
        return claim(storage, dsl, limit, names, Map.of(), nowMillis);
    }

    /**
     * {@link #claim}, taking at most {@code caps.get(name)} tasks of a name that has a cap (a concurrency limit's
     * room), whatever {@code limit} leaves.
     */
    public static List<Row> claim(Storage storage, DSLContext dsl, int limit, List<String> names,
                                  Map<String, Integer> caps, long nowMillis) {
        if (names != null && names.isEmpty()) {
            return List.of(); // no name: nothing to claim (a foreman always has one; this keeps oldest() total)
        }
        List<Row> sorted = new ArrayList<>(storage.claim(dsl, limit, names, caps, nowMillis));
        if (sorted.size() > limit) {
            throw new DbmqException("a claim of at most " + limit + " tasks returned " + sorted.size()
                    + " rows; rolled back, nothing claimed");
        }
        sorted.sort(CLAIM_ORDER);
        return sorted;
    }

    /** The claim's order: highest priority (lowest number) first, then oldest due, then enqueue order. */
    public static final Comparator<Row> CLAIM_ORDER = Comparator.comparingInt(Row::priority)
            .thenComparingLong(Row::dueAt).thenComparingLong(Row::id);

    /**
     * The claim: {@code DELETE FROM dbmq_task WHERE <ids of oldestDue(…)> RETURNING <ROW_FIELDS>}, the condition in
     * the database's {@link Storage.ClaimForm}. The columns come back in that order.
     */
    public static DeleteResultStep<DbmqTaskRecord> claimQuery(Storage.ClaimForm form, DSLContext dsl, int limit,
                                                       List<String> names, Map<String, Integer> caps,
                                                       long nowMillis) {
        return dsl.deleteFrom(DBMQ_TASK)
                .where(form.idIn(oldestDue(form, dsl, limit, names, caps, nowMillis)))
                .returning(ROW_FIELDS);
    }

    /** A row of {@link #ROW_FIELDS}, read by position from a statement run without jOOQ ({@link Jdbc}). */
    public static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getInt(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11));
    }

    /** A row of {@link #ROW_FIELDS}. */
    public static Row row(Record r) {
        return new Row(r.get(DBMQ_TASK.ID), r.get(DBMQ_TASK.TASK_NAME), r.get(DBMQ_TASK.ARGS),
                r.get(DBMQ_TASK.CREATED_AT), r.get(DBMQ_TASK.DUE_AT), r.get(DBMQ_TASK.ATTEMPT),
                r.get(DBMQ_TASK.UNIQUE_KEY), r.get(DBMQ_TASK.SCHEDULE), r.get(DBMQ_TASK.METADATA),
                r.get(DBMQ_TASK.PRIORITY), r.get(DBMQ_TASK.LIMIT_KEY));
    }

    /**
     * The ids of the {@code limit} tasks named {@code names} (null: any) due at {@code nowMillis}, in claim order.
     * Per name, ranges of the (task_name, priority, due_at, id) index (V9), one per priority, so tasks of other
     * names, future-dated tasks, and tasks of a lower priority than the claim needs, pending in any number, cost
     * nothing ({@link #inClaimOrder}). Several names: that per name, merged ({@code UNION ALL}, then the first
     * {@code n}), where {@code task_name IN (…) ORDER BY …} would have the planner choose between scanning the other
     * names' rows in order and sorting every matching row. (Any name, a test's claim, scans the table.)
     */
    private static Select<Record1<Long>> oldestDue(Storage.ClaimForm form, DSLContext dsl, int limit,
                                                   List<String> names, Map<String, Integer> caps, long nowMillis) {
        if (names == null) {
            return form.claimable(dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK).where(DBMQ_TASK.DUE_AT.le(nowMillis))
                    .orderBy(DBMQ_TASK.PRIORITY, DBMQ_TASK.DUE_AT, DBMQ_TASK.ID).limit(limit));
        }
        return firstInClaimOrder(form, dsl, names, caps, DBMQ_TASK.DUE_AT.le(nowMillis), limit);
    }

    /**
     * The ids of {@link #inClaimOrder}; of one name where the database reads its priorities in one range, that range
     * itself, with no table around it.
     */
    private static Select<Record1<Long>> firstInClaimOrder(Storage.ClaimForm form, DSLContext dsl, List<String> names,
                                                          Map<String, Integer> caps, Condition when, int limit) {
        if (names.size() == 1 && !form.branchesPerPriority()) {
            return form.claimable(dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK)
                    .where(DBMQ_TASK.TASK_NAME.eq(names.get(0))).and(ANY_PRIORITY).and(when)
                    .orderBy(DBMQ_TASK.PRIORITY, DBMQ_TASK.DUE_AT, DBMQ_TASK.ID)
                    .limit(capped(caps, names.get(0), limit)));
        }
        return dsl.select(ORDERED_ID).from(inClaimOrder(form, dsl, names, caps, when, limit));
    }

    /** The most tasks of {@code name} a claim of {@code limit} may take: its cap, if it has one below the limit. */
    public static int capped(Map<String, Integer> caps, String name, int limit) {
        Integer cap = caps.get(name);
        return cap == null ? limit : Math.min(cap, limit);
    }

    private static final Field<Long> ORDERED_ID = DSL.field(DSL.name("id"), Long.class);
    private static final Field<Integer> ORDERED_PRIORITY = DSL.field(DSL.name("priority"), Integer.class);
    private static final Field<Long> ORDERED_DUE = DSL.field(DSL.name("due_at"), Long.class);

    /**
     * Up to {@code limit} tasks named {@code names} matching {@code when} (a bound on {@code due_at}), as a table of
     * (id, priority, due_at) in claim order, each branch made {@link Storage.ClaimForm#claimable}. A branch per name
     * and, where the database asks for it ({@link Storage.ClaimForm#branchesPerPriority}), per priority: each an
     * index range read in order and stopped at {@code limit}. SQLite reads {@code priority IN (0, 1, 2, 3)} as those
     * ranges in turn, in order, stopping when it has enough, so one branch a name; PostgreSQL 15 sorts such a scan's
     * output, so it gets a branch per priority, each locking at most {@code limit} rows it may then not keep (they
     * are free again when the claim commits, milliseconds later; another foreman's claim skips them meanwhile).
     */
    private static org.jooq.Table<Record3<Long, Integer, Long>> inClaimOrder(Storage.ClaimForm form, DSLContext dsl,
                                                                          List<String> names,
                                                                          Map<String, Integer> caps, Condition when,
                                                                          int limit) {
        List<Select<Record3<Long, Integer, Long>>> parts = new ArrayList<>();
        int branch = 0;
        for (String name : names) {
            int most = capped(caps, name, limit);
            List<Condition> priorities = form.branchesPerPriority()
                    ? PRIORITIES.stream().map(p -> DBMQ_TASK.PRIORITY.eq(DSL.inline(p))).toList()
                    : List.of(ANY_PRIORITY);
            Select<Record3<Long, Integer, Long>> ofName = null;
            for (Condition priority : priorities) {
                Select<Record3<Long, Integer, Long>> range = form.claimable(
                        dsl.select(DBMQ_TASK.ID, DBMQ_TASK.PRIORITY, DBMQ_TASK.DUE_AT).from(DBMQ_TASK)
                                .where(DBMQ_TASK.TASK_NAME.eq(name)).and(priority).and(when)
                                .orderBy(DBMQ_TASK.PRIORITY, DBMQ_TASK.DUE_AT, DBMQ_TASK.ID).limit(most));
                Select<Record3<Long, Integer, Long>> wrapped = dsl.select(ORDERED_ID, ORDERED_PRIORITY, ORDERED_DUE)
                        .from(range.asTable("n" + branch++));
                if (most < limit && priorities.size() > 1) {
                    ofName = ofName == null ? wrapped : ofName.unionAll(wrapped);
                } else {
                    parts.add(wrapped);
                }
            }
            if (ofName != null) {
                // a capped name's priorities together: at most its cap of them, not its cap of each
                parts.add(dsl.select(ORDERED_ID, ORDERED_PRIORITY, ORDERED_DUE).from(
                        dsl.select(ORDERED_ID, ORDERED_PRIORITY, ORDERED_DUE).from(ofName.asTable("c" + branch))
                                .orderBy(ORDERED_PRIORITY, ORDERED_DUE, ORDERED_ID).limit(most).asTable("u" + branch)));
            }
        }
        Select<Record3<Long, Integer, Long>> merged = null;
        for (Select<Record3<Long, Integer, Long>> part : parts) {
            merged = merged == null ? part : merged.unionAll(part);
        }
        return dsl.select(ORDERED_ID, ORDERED_PRIORITY, ORDERED_DUE).from(merged.asTable("merged"))
                .orderBy(ORDERED_PRIORITY, ORDERED_DUE, ORDERED_ID).limit(limit).asTable("ordered");
    }

    /**
     * The earliest due time among pending tasks named {@code names}, epoch ms, or null when none is pending: one seek
     * of the (task_name, priority, due_at, id) index per name and priority. The foreman sleeps until then unless
     * woken.
     */
    public static Long nextDueAt(DSLContext dsl, List<String> names) {
        return names.isEmpty() ? null : nextDueQuery(dsl, names).fetchOne(0, Long.class);
    }

    /**
     * {@link #nextDueAt}'s statement, binding each name once per priority: one statement, one round trip on
     * PostgreSQL, the seeks as a UNION ALL, their minimum outside.
     */
    public static Select<Record1<Long>> nextDueQuery(DSLContext dsl, List<String> names) {
        List<Select<Record1<Long>>> seeks = new ArrayList<>();
        for (String name : names) {
            seeks.addAll(perPriority(p -> dsl.select(DSL.min(DBMQ_TASK.DUE_AT).as(LEAST)).from(DBMQ_TASK)
                    .where(DBMQ_TASK.TASK_NAME.eq(name)).and(DBMQ_TASK.PRIORITY.eq(p))));
        }
        return least(dsl, seeks);
    }

    /** The per-seek value {@link #least} takes the minimum of. */
    private static final Field<Long> LEAST = DSL.field(DSL.name("v"), Long.class);

    /** One select per priority, each given its priority inlined. */
    private static List<Select<Record1<Long>>> perPriority(
            java.util.function.Function<Field<Integer>, Select<Record1<Long>>> seek) {
        return PRIORITIES.stream().map(p -> seek.apply(DSL.inline(p))).toList();
    }

    /**
     * {@code SELECT MIN(v) FROM (seek UNION ALL seek …)}: each seek selects one value named {@link #LEAST}, or none;
     * each is wrapped, so that one with its own ORDER BY and LIMIT is valid in a union on every database.
     */
    public static Select<Record1<Long>> least(DSLContext dsl, List<Select<Record1<Long>>> seeks) {
        Select<Record1<Long>> all = null;
        int i = 0;
        for (Select<Record1<Long>> seek : seeks) {
            Select<Record1<Long>> wrapped = dsl.select(LEAST).from(seek.asTable("s" + i++));
            all = all == null ? wrapped : all.unionAll(wrapped);
        }
        return dsl.select(DSL.min(LEAST)).from(all.asTable("seeks"));
    }

    /** Deletes a pending task; false when there is none with that id (claimed, cancelled, or never there). */
    public static boolean cancel(DSLContext dsl, long id) {
        return dsl.deleteFrom(DBMQ_TASK).where(DBMQ_TASK.ID.eq(id)).execute() > 0;
    }

    /**
     * Deletes the pending task holding {@code key}; false when none does. One statement, a lookup of the partial
     * unique index on unique_key (V3), whose predicate {@code unique_key = ?} implies.
     */
    public static boolean cancelByKey(DSLContext dsl, String key) {
        return dsl.deleteFrom(DBMQ_TASK).where(DBMQ_TASK.UNIQUE_KEY.eq(key)).execute() > 0;
    }

    /**
     * Deletes a recurring schedule's pending instance, the task holding its reserved {@code key}; false when there is
     * none. The claim that takes an instance writes the next one in its own transaction, so deleting whichever is
     * pending ends the schedule, also while a tick runs.
     *
     * <p>A delete that finds nothing runs once more. On PostgreSQL (READ COMMITTED) a delete that meets the instance
     * locked by a claim waits for that claim, then skips the row it deleted, and cannot see the next instance it
     * inserted: that was not committed when the delete began. The second statement begins after the claim committed,
     * and deletes the next instance. Where there is no instance it costs one more index lookup. (On SQLite writes take
     * turns: the first delete finds the instance or the next one.)
     */
    public static boolean unschedule(DSLContext dsl, String key) {
        return cancelByKey(dsl, key) || cancelByKey(dsl, key);
    }

    /** The pending task with this id, its columns as a claim reads them; null when there is none. */
    public static Row findPending(DSLContext dsl, long id) {
        return dsl.select(ROW_FIELDS).from(DBMQ_TASK).where(DBMQ_TASK.ID.eq(id)).fetchOne(TaskStore::row);
    }

    /** The pending task holding {@code key} (a lookup of the unique-key index), as {@link #findPending}; or null. */
    public static Row findPendingByKey(DSLContext dsl, String key) {
        return dsl.select(ROW_FIELDS).from(DBMQ_TASK).where(DBMQ_TASK.UNIQUE_KEY.eq(key)).fetchOne(TaskStore::row);
    }

    /**
     * Pending recurring instances (a schedule, a key starting with {@code keyPrefix}) of the tasks named
     * {@code names}, but for those holding one of {@code exceptKeys}, in key order, at most {@code limit}. One
     * statement through the unique-key index ({@link Storage#keyStartsWith}): on SQLite a range of one row per
     * schedule, on PostgreSQL the keyed tasks. The names are matched here, not in the statement: there a planner
     * prefers the claim index (SQLite does), and reads each name's backlog.
     */
    public static List<Row> instancesOtherThan(Storage storage, DSLContext dsl, String keyPrefix, List<String> names,
                                               Set<String> exceptKeys, int limit) {
        Set<String> handled = Set.copyOf(names);
        Condition except = exceptKeys.isEmpty() ? DSL.noCondition() : DBMQ_TASK.UNIQUE_KEY.notIn(exceptKeys);
        try (Stream<Row> instances = dsl.select(ROW_FIELDS).from(DBMQ_TASK)
                .where(storage.keyStartsWith(keyPrefix))
                .and(DBMQ_TASK.SCHEDULE.isNotNull())
                .and(except)
                .orderBy(DBMQ_TASK.UNIQUE_KEY)
                .fetchStream()
                .map(TaskStore::row)) {
            return instances.filter(r -> handled.contains(r.taskName())).limit(limit).toList();
        }
    }

    /** Every pending recurring instance (a schedule, a key starting with {@code keyPrefix}), in key order. */
    public static List<Row> instances(Storage storage, DSLContext dsl, String keyPrefix) {
        return dsl.select(ROW_FIELDS).from(DBMQ_TASK)
                .where(storage.keyStartsWith(keyPrefix))
                .and(DBMQ_TASK.SCHEDULE.isNotNull())
                .orderBy(DBMQ_TASK.UNIQUE_KEY)
                .fetch(TaskStore::row);
    }

    /**
     * Writes the next attempt of a task whose attempt failed: same id, name, args, metadata and enqueue time,
     * attempt + 1, due at {@code dueAt}; without the key (freed at the claim) and without a schedule (the next tick
     * was written then). Idempotent: a write tried again after a commit that reported a failure (a lost connection)
     * finds its row there under the same id, and leaves it.
     */
    public static void insertRetry(DSLContext dsl, Row row, long dueAt) {
        writeBack(dsl, row, row.attempt() + 1, dueAt);
    }

    /** Writes a snoozed task back: as {@link #insertRetry}, but the same attempt (a snooze uses up none). */
    public static void insertSnoozed(DSLContext dsl, Row row, long dueAt) {
        writeBack(dsl, row, row.attempt(), dueAt);
    }

    private static void writeBack(DSLContext dsl, Row row, int attempt, long dueAt) {
        dsl.insertInto(DBMQ_TASK)
                .set(DBMQ_TASK.ID, row.id())
                .set(DBMQ_TASK.TASK_NAME, row.taskName())
                .set(DBMQ_TASK.ARGS, row.args())
                .set(DBMQ_TASK.CREATED_AT, row.createdAt())
                .set(DBMQ_TASK.DUE_AT, dueAt)
                .set(DBMQ_TASK.ATTEMPT, attempt)
                .set(DBMQ_TASK.METADATA, row.metadata())
                .set(DBMQ_TASK.PRIORITY, row.priority())
                .set(DBMQ_TASK.LIMIT_KEY, row.limitKey())
                .onConflict(DBMQ_TASK.ID)
                .doNothing()
                .execute();
    }

    /** Keeps a task that did not run. A second failure under the same id replaces the first (ids aren't reused). */
    public static void keepFailed(DSLContext dsl, Row row, long failedAt, String reason) {
        dsl.insertInto(DBMQ_FAILED_TASK)
                .set(DBMQ_FAILED_TASK.ID, row.id())
                .set(DBMQ_FAILED_TASK.TASK_NAME, row.taskName())
                .set(DBMQ_FAILED_TASK.ARGS, row.args())
                .set(DBMQ_FAILED_TASK.CREATED_AT, row.createdAt())
                .set(DBMQ_FAILED_TASK.FAILED_AT, failedAt)
                .set(DBMQ_FAILED_TASK.REASON, StoredText.repaired(reason)) // it quotes an exception's message
                .set(DBMQ_FAILED_TASK.ATTEMPTS, row.attempt())
                .set(DBMQ_FAILED_TASK.METADATA, row.metadata())
                .set(DBMQ_FAILED_TASK.PRIORITY, row.priority())
                .set(DBMQ_FAILED_TASK.LIMIT_KEY, row.limitKey())
                .onConflict(DBMQ_FAILED_TASK.ID)
                .doUpdate()
                .set(DBMQ_FAILED_TASK.FAILED_AT, failedAt)
                .set(DBMQ_FAILED_TASK.REASON, StoredText.repaired(reason))
                .set(DBMQ_FAILED_TASK.ATTEMPTS, row.attempt())
                .set(DBMQ_FAILED_TASK.METADATA, row.metadata())
                .set(DBMQ_FAILED_TASK.PRIORITY, row.priority())
                .set(DBMQ_FAILED_TASK.LIMIT_KEY, row.limitKey())
                .execute();
    }

    /** Pending tasks of one name: how many, and since when the longest-waiting one has been due ({@code DUE_SINCE}). */
    public record NameCount(String taskName, long count, long earliestDueAt) {
    }

    /**
     * Pending tasks of names other than {@code names}, per name, in name order; at most {@code maxNames} names (this
     * is for a log line) among the first {@value #MAX_NAMES_LOOKED_AT} distinct names. Index-driven: one seek per
     * distinct name (a loose scan of the claim index), then a count of each other name's
     * own rows, so a backlog of the handled names costs it nothing.
     */
    public static List<NameCount> pendingOtherThan(DSLContext dsl, List<String> names, int maxNames) {
        Set<String> handled = new HashSet<>(names);
        List<NameCount> found = new ArrayList<>();
        String name = null;
        for (int i = 0; i < MAX_NAMES_LOOKED_AT && found.size() < maxNames; i++) {
            Condition after = name == null ? DSL.noCondition() : DBMQ_TASK.TASK_NAME.gt(name);
            String next = dsl.select(DSL.min(DBMQ_TASK.TASK_NAME)).from(DBMQ_TASK).where(after).fetchOne().value1();
            if (next == null || next.equals(name)) {
                break; // no more names (equal: no database answers so, but a stand-in might; stop rather than loop)
            }
            name = next;
            if (!handled.contains(name)) {
                Record2<Integer, Long> r = dsl.select(DSL.count(), DSL.min(DUE_SINCE)).from(DBMQ_TASK)
                        .where(DBMQ_TASK.TASK_NAME.eq(name)).fetchOne();
                if (r.value1() > 0) {
                    found.add(new NameCount(name, r.value1(), r.value2()));
                }
            }
        }
        return found;
    }

    /** How many distinct task names {@link #pendingOtherThan} looks at, at most: a bound on its time. */
    public static final int MAX_NAMES_LOOKED_AT = 10_000;

    /**
     * Deletes and returns up to {@code limit} of the tasks named {@code name} due since before {@code dueBefore}
     * (epoch ms, {@link #DUE_SINCE}), in claim order: the caller keeps them as failed, in the same transaction. One
     * range per priority of the claim index, so each batch costs its own rows only. Due time, not enqueue
     * time: a task scheduled a month ahead has not waited for a handler until it is due.
     */
    public static List<Row> takeUnhandled(Storage.ClaimForm form, DSLContext dsl, String name, long dueBefore,
                                          int limit) {
        // due_at < dueBefore follows from DUE_SINCE < dueBefore: said, so that it bounds each priority's range
        var oldest = firstInClaimOrder(form, dsl, List.of(name), Map.of(),
                DBMQ_TASK.DUE_AT.lt(dueBefore).and(DUE_SINCE.lt(dueBefore)), limit);
        List<Row> rows = new ArrayList<>(dsl.deleteFrom(DBMQ_TASK).where(form.idIn(oldest))
                .returning(ROW_FIELDS)
                .fetch(TaskStore::row));
        rows.sort(CLAIM_ORDER);
        return rows;
    }

    /**
     * Re-inserts claimed rows that never ran, under their own ids and due times (see Claimer#giveBack), without their
     * keys: the key was freed at the claim and another task may hold it by now; a recurring instance's next tick was
     * written by the claim, so this one goes back as a plain task.
     */
    public static void putBack(DSLContext dsl, List<Row> rows) {
        insertRows(dsl, rows, false);
    }

    /**
     * Writes rows this transaction claimed back exactly as they were, keys and schedule included: a claim that found
     * more than it may keep ({@code Claimer}) undoes part of its own delete before it commits, so for every other
     * transaction these rows never left.
     */
    public static void restore(DSLContext dsl, List<Row> rows) {
        insertRows(dsl, rows, true);
    }

    private static void insertRows(DSLContext dsl, List<Row> rows, boolean withKeyAndSchedule) {
        for (Row row : rows) {
            dsl.insertInto(DBMQ_TASK)
                    .set(DBMQ_TASK.ID, row.id())
                    .set(DBMQ_TASK.TASK_NAME, row.taskName())
                    .set(DBMQ_TASK.ARGS, row.args())
                    .set(DBMQ_TASK.CREATED_AT, row.createdAt())
                    .set(DBMQ_TASK.DUE_AT, row.dueAt())
                    .set(DBMQ_TASK.ATTEMPT, row.attempt())
                    .set(DBMQ_TASK.UNIQUE_KEY, withKeyAndSchedule ? row.uniqueKey() : null)
                    .set(DBMQ_TASK.SCHEDULE, withKeyAndSchedule ? row.schedule() : null)
                    .set(DBMQ_TASK.METADATA, row.metadata())
                    .set(DBMQ_TASK.PRIORITY, row.priority())
                    .set(DBMQ_TASK.LIMIT_KEY, row.limitKey())
                    .execute();
        }
    }

    /** Adds done/failed increments per task name. */
    public static void addCounts(DSLContext dsl, Map<String, long[]> deltas) {
        for (Map.Entry<String, long[]> e : deltas.entrySet()) {
            long done = e.getValue()[0];
            long failed = e.getValue()[1];
            dsl.insertInto(DBMQ_TASK_COUNT, DBMQ_TASK_COUNT.TASK_NAME, DBMQ_TASK_COUNT.DONE, DBMQ_TASK_COUNT.FAILED)
                    .values(e.getKey(), done, failed)
                    .onConflict(DBMQ_TASK_COUNT.TASK_NAME)
                    .doUpdate()
                    .set(DBMQ_TASK_COUNT.DONE, DBMQ_TASK_COUNT.DONE.plus(done))
                    .set(DBMQ_TASK_COUNT.FAILED, DBMQ_TASK_COUNT.FAILED.plus(failed))
                    .execute();
        }
    }

    /**
     * The {@code due_at} of a task due at once: no clock's reading, so that no step of a clock, and no skew between a
     * producer's host and a foreman's, can hold it back. Such tasks run in enqueue order (id), before those of their
     * name whose due time has come. (Rows written by 0.2 producers get it too: the V3 column default.)
     */
    public static final long AT_ONCE = 0;

    /**
     * Since when a task has been due, epoch ms: its due time, or for one due at once ({@code due_at} 0) its enqueue
     * time. For ages (stats, unhandled names), never for the claim's order or bound.
     */
    static final Field<Long> DUE_SINCE = DSL.greatest(DBMQ_TASK.DUE_AT, DBMQ_TASK.CREATED_AT);

    public static long pending(DSLContext dsl) {
        return dsl.fetchCount(DBMQ_TASK);
    }

    public static QueueStats stats(DSLContext dsl, long nowMillis) {
        // One pass over the pending tasks, per name: the totals follow from it.
        long pending = 0;
        long due = 0;
        long retrying = 0;
        Long mostOverdue = null;
        Long nextScheduled = null;
        Map<String, Long> pendingByName = new LinkedHashMap<>();
        var isDue = DBMQ_TASK.DUE_AT.le(nowMillis);
        for (var r : dsl.select(DBMQ_TASK.TASK_NAME, DSL.count(), DSL.count().filterWhere(isDue),
                        DSL.count().filterWhere(DBMQ_TASK.ATTEMPT.gt(1)), DSL.min(DUE_SINCE).filterWhere(isDue),
                        DSL.min(DBMQ_TASK.DUE_AT).filterWhere(DSL.not(isDue)))
                .from(DBMQ_TASK).groupBy(DBMQ_TASK.TASK_NAME).orderBy(DBMQ_TASK.TASK_NAME).fetch()) {
            pendingByName.put(r.value1(), (long) r.value2());
            pending += r.value2();
            due += r.value3();
            retrying += r.value4();
            mostOverdue = min(mostOverdue, r.value5());
            nextScheduled = min(nextScheduled, r.value6());
        }
        Map<String, QueueStats.TaskCounts> counts = new LinkedHashMap<>();
        dsl.selectFrom(DBMQ_TASK_COUNT).orderBy(DBMQ_TASK_COUNT.TASK_NAME).forEach(r ->
                counts.put(r.getTaskName(), new QueueStats.TaskCounts(r.getDone(), r.getFailed())));
        long failedKept = dsl.fetchCount(DBMQ_FAILED_TASK);
        java.time.Duration age = mostOverdue == null ? java.time.Duration.ZERO
                : java.time.Duration.ofMillis(Math.max(0, nowMillis - mostOverdue));
        Map<String, Long> runningByName = RunningStore.countByName(dsl);
        return new QueueStats(pending, age, Map.copyOf(counts), failedKept,
                java.util.Collections.unmodifiableMap(pendingByName), due, pending - due, retrying,
                java.util.Optional.ofNullable(nextScheduled).map(Instant::ofEpochMilli),
                runningByName.values().stream().mapToLong(Long::longValue).sum(),
                java.util.Collections.unmodifiableMap(runningByName),
                java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(LaneStore.all(dsl).keySet())));
    }

    /**
     * Per task name: pending (due, scheduled, retrying, oldest due, next due), running, kept failed, counts; by name.
     * Every statement is bounded by an index, whatever the tables hold: the names come from a walk of the claim
     * index and of the failed tasks' name index (a seek per name), each count reads at most {@code limit + 1} index
     * entries and stops at {@code limit} ({@link TaskNameStats#COUNT_LIMIT}), and the oldest and next due times are
     * seeks. Several statements: in a transaction they would read one snapshot (on PostgreSQL only at REPEATABLE READ),
     * but a SQLite transaction takes the write lock, so callers run them without one.
     */
    public static List<TaskNameStats> statsByName(DSLContext dsl, long nowMillis, int limit) {
        java.util.SortedSet<String> names = new java.util.TreeSet<>(distinct(dsl, DBMQ_TASK, DBMQ_TASK.TASK_NAME));
        java.util.Set<String> pendingNames = Set.copyOf(names);
        java.util.Set<String> failedNames = Set.copyOf(distinct(dsl, DBMQ_FAILED_TASK, DBMQ_FAILED_TASK.TASK_NAME));
        names.addAll(failedNames);
        Map<String, QueueStats.TaskCounts> counts = new java.util.HashMap<>();
        dsl.selectFrom(DBMQ_TASK_COUNT).forEach(r ->
                counts.put(r.getTaskName(), new QueueStats.TaskCounts(r.getDone(), r.getFailed())));
        names.addAll(counts.keySet());
        Map<String, Long> running = RunningStore.countByName(dsl);
        names.addAll(running.keySet());
        List<TaskNameStats> stats = new ArrayList<>(names.size());
        for (String name : names) {
            long due = 0;
            long scheduled = 0;
            long retrying = 0;
            Long oldest = null;
            Long next = null;
            if (pendingNames.contains(name)) {
                Condition ofName = DBMQ_TASK.TASK_NAME.eq(name);
                due = countUpTo(dsl, DBMQ_TASK, ofName.and(ANY_PRIORITY).and(DBMQ_TASK.DUE_AT.le(nowMillis)), limit);
                scheduled = countUpTo(dsl, DBMQ_TASK, ofName.and(ANY_PRIORITY).and(DBMQ_TASK.DUE_AT.gt(nowMillis)),
                        limit);
                retrying = countUpTo(dsl, DBMQ_TASK, ofName.and(DBMQ_TASK.ATTEMPT.gt(1)), limit); // partial index (V7)
                // the oldest due: the first due at once (in id order, its enqueue the oldest of those) or the
                // earliest due time past, whichever is older; and the next due: seeks of the claim index, one per
                // priority of each, in one statement
                List<Select<Record1<Long>>> oldestSeeks = new ArrayList<>(perPriority(p -> dsl
                        .select(DBMQ_TASK.CREATED_AT.as(LEAST)).from(DBMQ_TASK)
                        .where(ofName.and(DBMQ_TASK.PRIORITY.eq(p)).and(DBMQ_TASK.DUE_AT.eq(AT_ONCE)))
                        .orderBy(DBMQ_TASK.DUE_AT, DBMQ_TASK.ID).limit(1)));
                oldestSeeks.addAll(perPriority(p -> dsl.select(DSL.min(DBMQ_TASK.DUE_AT).as(LEAST)).from(DBMQ_TASK)
                        .where(ofName.and(DBMQ_TASK.PRIORITY.eq(p)).and(DBMQ_TASK.DUE_AT.gt(AT_ONCE))
                                .and(DBMQ_TASK.DUE_AT.le(nowMillis)))));
                oldest = least(dsl, oldestSeeks).fetchOne(0, Long.class);
                next = least(dsl, perPriority(p -> dsl.select(DSL.min(DBMQ_TASK.DUE_AT).as(LEAST)).from(DBMQ_TASK)
                        .where(ofName.and(DBMQ_TASK.PRIORITY.eq(p)).and(DBMQ_TASK.DUE_AT.gt(nowMillis)))))
                        .fetchOne(0, Long.class);
            }
            long failedKept = !failedNames.contains(name) ? 0
                    : countUpTo(dsl, DBMQ_FAILED_TASK, DBMQ_FAILED_TASK.TASK_NAME.eq(name), limit);
            QueueStats.TaskCounts c = counts.getOrDefault(name, new QueueStats.TaskCounts(0, 0));
            stats.add(new TaskNameStats(name, due, scheduled, retrying, running.getOrDefault(name, 0L), failedKept,
                    c.done(), c.failed(),
                    oldest == null ? java.time.Duration.ZERO : java.time.Duration.ofMillis(Math.max(0, nowMillis - oldest)),
                    next == null ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(next))));
        }
        return stats;
    }

    /** How many rows match, counting at most {@code limit}: reads at most {@code limit} rows of an index range. */
    static long countUpTo(DSLContext dsl, org.jooq.Table<?> table, Condition where, int limit) {
        return dsl.fetchCount(dsl.selectOne().from(table).where(where).limit(limit));
    }

    /**
     * The distinct values of an indexed text column, each found by a seek past the one before (a loose index scan,
     * as a recursive query): one index probe per value, however many rows share it.
     */
    static List<String> distinct(DSLContext dsl, org.jooq.Table<?> table, Field<String> column) {
        // the CTE's own name as plain SQL: a schema mapping would qualify a jOOQ name as if it were a table of the queue
        Field<String> value = DSL.field("n", String.class);
        org.jooq.CommonTableExpression<Record1<String>> names = DSL.name("names").fields("n").as(
                DSL.select(DSL.min(column)).from(table)
                        .unionAll(DSL.select(DSL.field(DSL.select(DSL.min(column)).from(table).where(column.gt(value))))
                                .from(DSL.table("names")).where(value.isNotNull())));
        return dsl.withRecursive(names).select(value).from(names).where(value.isNotNull()).fetch(value);
    }

    private static Long min(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    public static List<FailedTask> failed(DSLContext dsl, int limit) {
        return failed(dsl, DSL.noCondition(), limit);
    }

    /** Moves a kept task (args and metadata) back into the queue under a new id; empty when no such failed task. */
    public static OptionalLong requeue(DSLContext dsl, long failedId, long nowMillis) {
        var row = dsl.deleteFrom(DBMQ_FAILED_TASK)
                .where(DBMQ_FAILED_TASK.ID.eq(failedId))
                .returning(DBMQ_FAILED_TASK.TASK_NAME, DBMQ_FAILED_TASK.ARGS, DBMQ_FAILED_TASK.METADATA,
                        DBMQ_FAILED_TASK.PRIORITY, DBMQ_FAILED_TASK.LIMIT_KEY)
                .fetchOne();
        if (row == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(row.getLimitKey() == null
                ? insert(dsl, row.getTaskName(), row.getArgs(), row.getMetadata(), nowMillis, AT_ONCE,
                        row.getPriority())
                : insertLimited(dsl, row.getTaskName(), row.getArgs(), row.getMetadata(), nowMillis, AT_ONCE,
                        row.getPriority(), null, row.getLimitKey()).id());
    }

    public static boolean deleteFailed(DSLContext dsl, long failedId) {
        return dsl.deleteFrom(DBMQ_FAILED_TASK).where(DBMQ_FAILED_TASK.ID.eq(failedId)).execute() > 0;
    }

    /** The condition a {@link FailedFilter} sets on the failed-tasks table; none for {@link FailedFilter#all()}. */
    public static Condition failedMatching(FailedFilter filter) {
        Condition c = DSL.noCondition();
        if (filter.taskName().isPresent()) {
            c = c.and(DBMQ_FAILED_TASK.TASK_NAME.eq(filter.taskName().get()));
        }
        if (filter.reasonContains().isPresent()) {
            // position(), not LIKE: case-sensitive on both databases (SQLite's LIKE is not), and no wildcards to escape
            c = c.and(DSL.position(DBMQ_FAILED_TASK.REASON, filter.reasonContains().get()).gt(0));
        }
        if (filter.failedFrom().isPresent()) {
            c = c.and(DBMQ_FAILED_TASK.FAILED_AT.ge(filter.failedFrom().get().toEpochMilli()));
        }
        if (filter.failedBefore().isPresent()) {
            c = c.and(DBMQ_FAILED_TASK.FAILED_AT.lt(filter.failedBefore().get().toEpochMilli()));
        }
        if (filter.ids().isPresent()) {
            c = c.and(DBMQ_FAILED_TASK.ID.in(filter.ids().get()));
        }
        return c;
    }

    /**
     * The condition a {@link PendingFilter} sets on the task table. Never a recurring schedule's instance. A due
     * bound compares the time a task is due from ({@link #DUE_SINCE}: for one due at once, its enqueue), as
     * {@link dev.dbmq.PendingTask#dueAt} reports it.
     */
    public static Condition pendingMatching(Storage storage, PendingFilter filter) {
        Condition c = DBMQ_TASK.SCHEDULE.isNull();
        if (filter.taskName().isPresent()) {
            c = c.and(DBMQ_TASK.TASK_NAME.eq(filter.taskName().get()));
        }
        if (filter.keyPrefix().isPresent()) {
            c = c.and(storage.keyStartsWith(filter.keyPrefix().get()));
        }
        if (filter.dueFrom().isPresent()) {
            c = c.and(DUE_SINCE.ge(filter.dueFrom().get().toEpochMilli()));
        }
        if (filter.dueBefore().isPresent()) {
            c = c.and(DUE_SINCE.lt(filter.dueBefore().get().toEpochMilli()));
        }
        if (filter.ids().isPresent()) {
            c = c.and(DBMQ_TASK.ID.in(filter.ids().get()));
        }
        return c;
    }

    /** The kept failed tasks matching, newest first, at most {@code limit}. */
    public static List<FailedTask> failed(DSLContext dsl, Condition matching, int limit) {
        return dsl.selectFrom(DBMQ_FAILED_TASK)
                .where(matching)
                .orderBy(DBMQ_FAILED_TASK.FAILED_AT.desc(), DBMQ_FAILED_TASK.ID.desc())
                .limit(limit)
                .fetch(r -> new FailedTask(r.getId(), r.getTaskName(), r.getArgs(),
                        Instant.ofEpochMilli(r.getCreatedAt()), Instant.ofEpochMilli(r.getFailedAt()), r.getReason(),
                        r.getAttempts()));
    }

    /** How many kept failed tasks match. */
    public static int countFailed(DSLContext dsl, Condition matching) {
        return dsl.fetchCount(DBMQ_FAILED_TASK, matching);
    }

    /**
     * The pending tasks matching, in claim order ({@link #CLAIM_ORDER}), at most {@code limit}. Each statement reads a
     * range of the claim index {@code (task_name, priority, due_at, id)}: for one name, the first {@code limit} rows of its
     * range; for any name, the same per name (found by a loose index scan), merged here. Ordering the whole table by
     * due time instead would read and sort every pending task (about half a second for a million on SQLite).
     */
    public static List<Row> pendingMatching(DSLContext dsl, PendingFilter filter, Condition matching, int limit) {
        List<String> names = filter.taskName().isPresent() ? List.of(filter.taskName().get())
                : distinct(dsl, DBMQ_TASK, DBMQ_TASK.TASK_NAME);
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            rows.addAll(dsl.select(ROW_FIELDS).from(DBMQ_TASK)
                    .where(DBMQ_TASK.TASK_NAME.eq(name)).and(matching)
                    .orderBy(DBMQ_TASK.TASK_NAME, DBMQ_TASK.PRIORITY, DBMQ_TASK.DUE_AT, DBMQ_TASK.ID)
                    .limit(limit)
                    .fetch(TaskStore::row));
        }
        rows.sort(CLAIM_ORDER);
        return rows.size() <= limit ? rows : List.copyOf(rows.subList(0, limit));
    }

    /** Deletes the kept failed tasks matching, in one statement; returns how many. */
    public static int deleteFailed(DSLContext dsl, Condition matching) {
        return dsl.deleteFrom(DBMQ_FAILED_TASK).where(matching).execute();
    }

    /** Deletes the pending tasks matching, in one statement; returns how many. They will never run. */
    public static int cancelPending(DSLContext dsl, Condition matching) {
        return dsl.deleteFrom(DBMQ_TASK).where(matching).execute();
    }
}
