package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK_COUNT;

import dev.dbmq.internal.jooq.tables.records.DbmqTaskRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jooq.DSLContext;
import org.jooq.DeleteResultStep;
import org.jooq.Field;
import org.jooq.InsertResultStep;
import org.jooq.InsertValuesStep3;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * Every statement on the queue's tables that is the same on each database, written with the jOOQ classes generated
 * from the migrations; where a database differs (the claim's bound and locking, faster paths) it asks the
 * {@link Backend}. Stateless: each method runs on the {@link DSLContext} it is given, inside whatever transaction the
 * caller holds.
 */
final class TaskStore {

    /** Rows per INSERT in enqueueAll: 4 bind values a row stays far below SQLite's 32766-variable limit. */
    static final int INSERT_CHUNK = 1000;

    private TaskStore() {
    }

    /** A row as claimed: deleted from the task table, returned to the claimer. */
    record Row(long id, String taskName, String args, long createdAt) {
    }

    static InsertResultStep<Record1<Long>> insertQuery(DSLContext dsl, String taskName, String args, long createdAt) {
        return dsl.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT)
                .values(taskName, args, createdAt)
                .returningResult(DBMQ_TASK.ID);
    }

    /** The portable insert; {@link Backend#insert} may take a faster path. */
    static long insert(DSLContext dsl, String taskName, String args, long createdAt) {
        return insertQuery(dsl, taskName, args, createdAt).fetchOne().value1();
    }

    /**
     * The portable multi-row insert, in statements of {@link #INSERT_CHUNK} rows; the ids come back ascending, which
     * is insertion order for one statement.
     */
    static List<Long> insertAll(DSLContext dsl, String taskName, List<String> args, long createdAt) {
        List<Long> ids = new ArrayList<>(args.size());
        for (int from = 0; from < args.size(); from += INSERT_CHUNK) {
            InsertValuesStep3<DbmqTaskRecord, String, String, Long> insert =
                    dsl.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT);
            for (String json : args.subList(from, Math.min(args.size(), from + INSERT_CHUNK))) {
                insert = insert.values(taskName, json, createdAt);
            }
            List<Long> chunk = new ArrayList<>(insert.returningResult(DBMQ_TASK.ID).fetch(Record1::value1));
            chunk.sort(Comparator.naturalOrder());
            ids.addAll(chunk);
        }
        return ids;
    }

    /**
     * Claims through the backend: deletes and returns up to {@code limit} of the oldest tasks named {@code names}
     * (null: any name), in id order; one statement, so a task is claimed by exactly one caller.
     *
     * @throws DbmqException when the statement returned more than {@code limit} rows (no backend's statement can,
     *                       under any plan; should one ever do it, the caller's transaction must roll back rather
     *                       than hold tasks no worker is free for)
     */
    static List<Row> claim(Backend backend, DSLContext dsl, int limit, List<String> names) {
        if (names != null && names.isEmpty()) {
            return List.of(); // no name: nothing to claim (a foreman always has one; this keeps oldest() total)
        }
        List<Row> sorted = new ArrayList<>(backend.claim(dsl, limit, names));
        if (sorted.size() > limit) {
            throw new DbmqException("a claim of at most " + limit + " tasks returned " + sorted.size()
                    + " rows; rolled back, nothing claimed");
        }
        sorted.sort(Comparator.comparingLong(Row::id));
        return sorted;
    }

    /**
     * The claim: {@code DELETE FROM dbmq_task WHERE <ids of oldest(…)> RETURNING id, task_name, args, created_at},
     * the condition in the database's {@link Backend.ClaimForm}. The columns come back in that order.
     */
    static DeleteResultStep<DbmqTaskRecord> claimQuery(Backend.ClaimForm form, DSLContext dsl, int limit,
                                                       List<String> names) {
        return dsl.deleteFrom(DBMQ_TASK)
                .where(form.idIn(oldest(form, dsl, limit, names)))
                .returning(DBMQ_TASK.ID, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT);
    }

    static Row row(DbmqTaskRecord r) {
        return new Row(r.getId(), r.getTaskName(), r.getArgs(), r.getCreatedAt());
    }

    /**
     * The ids of the {@code limit} oldest tasks named {@code names} (null: any). One name: {@code WHERE task_name = ?
     * ORDER BY id LIMIT n}, a range of the (task_name, id) index (V2), so tasks of other names pending in any number
     * cost nothing. Several: that per name, merged ({@code UNION ALL}, then the lowest {@code n}): k index ranges of at
     * most n rows, where {@code task_name IN (…) ORDER BY id} would have the planner choose between scanning the other
     * names' rows in id order and sorting every matching row. Each range is made {@link Backend.ClaimForm#claimable}.
     */
    private static Select<Record1<Long>> oldest(Backend.ClaimForm form, DSLContext dsl, int limit,
                                                List<String> names) {
        if (names == null) {
            return form.claimable(dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK).orderBy(DBMQ_TASK.ID).limit(limit));
        }
        Field<Long> id = DSL.field(DSL.name("id"), Long.class);
        Select<Record1<Long>> merged = null;
        for (int i = 0; i < names.size(); i++) {
            Select<Record1<Long>> branch = form.claimable(dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK)
                    .where(DBMQ_TASK.TASK_NAME.eq(names.get(i))).orderBy(DBMQ_TASK.ID).limit(limit));
            if (names.size() == 1) {
                return branch;
            }
            Select<Record1<Long>> wrapped = dsl.select(id).from(branch.asTable("n" + i));
            merged = merged == null ? wrapped : merged.unionAll(wrapped);
        }
        return dsl.select(id).from(merged.asTable("merged")).orderBy(id).limit(limit);
    }

    /** Keeps a task that did not run. A second failure under the same id replaces the first (ids aren't reused). */
    static void keepFailed(DSLContext dsl, Row row, long failedAt, String reason) {
        dsl.insertInto(DBMQ_FAILED_TASK)
                .set(DBMQ_FAILED_TASK.ID, row.id())
                .set(DBMQ_FAILED_TASK.TASK_NAME, row.taskName())
                .set(DBMQ_FAILED_TASK.ARGS, row.args())
                .set(DBMQ_FAILED_TASK.CREATED_AT, row.createdAt())
                .set(DBMQ_FAILED_TASK.FAILED_AT, failedAt)
                .set(DBMQ_FAILED_TASK.REASON, reason)
                .onConflict(DBMQ_FAILED_TASK.ID)
                .doUpdate()
                .set(DBMQ_FAILED_TASK.FAILED_AT, failedAt)
                .set(DBMQ_FAILED_TASK.REASON, reason)
                .execute();
    }

    /** Pending tasks of one name: how many, and the oldest one's enqueue time. */
    record NameCount(String taskName, long count, long oldestCreatedAt) {
    }

    /** Pending tasks of names other than {@code names}, per name (at most 100 names: this is for a log line). */
    static List<NameCount> pendingOtherThan(DSLContext dsl, List<String> names) {
        return dsl.select(DBMQ_TASK.TASK_NAME, DSL.count(), DSL.min(DBMQ_TASK.CREATED_AT))
                .from(DBMQ_TASK)
                .where(DBMQ_TASK.TASK_NAME.notIn(names))
                .groupBy(DBMQ_TASK.TASK_NAME)
                .orderBy(DBMQ_TASK.TASK_NAME)
                .limit(100)
                .fetch(r -> new NameCount(r.value1(), r.value2(), r.value3()));
    }

    /**
     * Deletes and returns up to {@code limit} of the oldest tasks of names other than {@code names} enqueued before
     * {@code createdBefore} (epoch ms): the caller keeps them as failed, in the same transaction.
     */
    static List<Row> takeUnhandled(Backend.ClaimForm form, DSLContext dsl, List<String> names, long createdBefore,
                                   int limit) {
        var oldest = dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK)
                .where(DBMQ_TASK.TASK_NAME.notIn(names)).and(DBMQ_TASK.CREATED_AT.lt(createdBefore))
                .orderBy(DBMQ_TASK.ID).limit(limit);
        List<Row> rows = new ArrayList<>(dsl.deleteFrom(DBMQ_TASK).where(form.idIn(form.claimable(oldest)))
                .returning(DBMQ_TASK.ID, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT)
                .fetch(TaskStore::row));
        rows.sort(Comparator.comparingLong(Row::id));
        return rows;
    }

    /** Re-inserts claimed rows that never ran, under their own ids (see Claimer#giveBack). */
    static void putBack(DSLContext dsl, List<Row> rows) {
        for (Row row : rows) {
            dsl.insertInto(DBMQ_TASK)
                    .set(DBMQ_TASK.ID, row.id())
                    .set(DBMQ_TASK.TASK_NAME, row.taskName())
                    .set(DBMQ_TASK.ARGS, row.args())
                    .set(DBMQ_TASK.CREATED_AT, row.createdAt())
                    .execute();
        }
    }

    /** Adds done/failed increments per task name. */
    static void addCounts(DSLContext dsl, Map<String, long[]> deltas) {
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

    static long pending(DSLContext dsl) {
        return dsl.fetchCount(DBMQ_TASK);
    }

    static QueueStats stats(DSLContext dsl, long nowMillis) {
        // One pass over the pending tasks, per name: the totals follow from it.
        long pending = 0;
        Long oldest = null;
        Map<String, Long> pendingByName = new LinkedHashMap<>();
        for (var r : dsl.select(DBMQ_TASK.TASK_NAME, DSL.count(), DSL.min(DBMQ_TASK.CREATED_AT)).from(DBMQ_TASK)
                .groupBy(DBMQ_TASK.TASK_NAME).orderBy(DBMQ_TASK.TASK_NAME).fetch()) {
            pendingByName.put(r.value1(), (long) r.value2());
            pending += r.value2();
            oldest = oldest == null ? r.value3() : Math.min(oldest, r.value3());
        }
        Map<String, QueueStats.TaskCounts> counts = new LinkedHashMap<>();
        dsl.selectFrom(DBMQ_TASK_COUNT).orderBy(DBMQ_TASK_COUNT.TASK_NAME).forEach(r ->
                counts.put(r.getTaskName(), new QueueStats.TaskCounts(r.getDone(), r.getFailed())));
        long failedKept = dsl.fetchCount(DBMQ_FAILED_TASK);
        java.time.Duration age = oldest == null ? java.time.Duration.ZERO
                : java.time.Duration.ofMillis(Math.max(0, nowMillis - oldest));
        return new QueueStats(pending, age, Map.copyOf(counts), failedKept,
                java.util.Collections.unmodifiableMap(pendingByName));
    }

    static List<FailedTask> failed(DSLContext dsl, int limit) {
        return dsl.selectFrom(DBMQ_FAILED_TASK)
                .orderBy(DBMQ_FAILED_TASK.FAILED_AT.desc(), DBMQ_FAILED_TASK.ID.desc())
                .limit(limit)
                .fetch(r -> new FailedTask(r.getId(), r.getTaskName(), r.getArgs(),
                        Instant.ofEpochMilli(r.getCreatedAt()), Instant.ofEpochMilli(r.getFailedAt()), r.getReason()));
    }

    /** Moves a kept task back into the queue under a new id; empty when no such failed task. */
    static OptionalLong requeue(DSLContext dsl, long failedId, long nowMillis) {
        var row = dsl.deleteFrom(DBMQ_FAILED_TASK)
                .where(DBMQ_FAILED_TASK.ID.eq(failedId))
                .returning(DBMQ_FAILED_TASK.TASK_NAME, DBMQ_FAILED_TASK.ARGS)
                .fetchOne();
        if (row == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(insert(dsl, row.getTaskName(), row.getArgs(), nowMillis));
    }

    static boolean deleteFailed(DSLContext dsl, long failedId) {
        return dsl.deleteFrom(DBMQ_FAILED_TASK).where(DBMQ_FAILED_TASK.ID.eq(failedId)).execute() > 0;
    }
}
