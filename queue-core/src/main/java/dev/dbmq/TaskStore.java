package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK_COUNT;

import dev.dbmq.internal.jooq.tables.records.DbmqTaskRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Every statement on the queue's tables, written with the jOOQ classes generated from the migrations. Stateless:
 * each method runs on the {@link DSLContext} it is given, inside whatever transaction the caller holds.
 */
final class TaskStore {

    /** Rows per INSERT in enqueueAll: 4 bind values a row stays far below SQLite's 32766-variable limit. */
    static final int INSERT_CHUNK = 1000;

    private TaskStore() {
    }

    /** A row as claimed: deleted from the task table, returned to the claimer. */
    record Row(long id, String taskName, String args, long createdAt) {
    }

    private static InsertResultStep<Record1<Long>> insertQuery(DSLContext dsl, String taskName, String args,
                                                               long createdAt) {
        return dsl.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT)
                .values(taskName, args, createdAt)
                .returningResult(DBMQ_TASK.ID);
    }

    static long insert(DSLContext dsl, String taskName, String args, long createdAt) {
        StatementCache cache = StatementCache.of(dsl);
        if (cache == null) {
            return insertQuery(dsl, taskName, args, createdAt).fetchOne().value1();
        }
        try {
            PreparedStatement insert = cache.prepared(Sqlite.INSERT);
            insert.setString(1, taskName);
            insert.setString(2, args);
            insert.setLong(3, createdAt);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                while (rs.next()) {
                    // run the statement to its end, as jOOQ's fetchOne does: the implicit transaction ends here
                }
                return id;
            }
        } catch (SQLException e) {
            cache.discard(Sqlite.INSERT);
            throw new DataAccessException("SQL [" + Sqlite.INSERT + "]; " + e.getMessage(), e);
        }
    }

    /** Inserts in order; the ids come back ascending, which is insertion order for one statement. */
    static List<Long> insertAll(DSLContext dsl, String taskName, List<String> args, long createdAt) {
        List<Long> ids = new ArrayList<>(args.size());
        StatementCache cache = StatementCache.of(dsl);
        if (cache != null) {
            // Prepared statements of PREPARED_ROWS rows, then single rows: rendering and binding a fresh statement
            // of 1000 rows took longer than running it (queue-bench: enqueueAll of 1000 tasks).
            int from = 0;
            for (; from + Sqlite.PREPARED_ROWS <= args.size(); from += Sqlite.PREPARED_ROWS) {
                insertPreparedRows(cache, taskName, args.subList(from, from + Sqlite.PREPARED_ROWS), createdAt, ids);
            }
            for (String json : args.subList(from, args.size())) {
                ids.add(insert(dsl, taskName, json, createdAt));
            }
            return ids;
        }
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

    private static void insertPreparedRows(StatementCache cache, String taskName, List<String> args, long createdAt,
                                           List<Long> ids) {
        try {
            PreparedStatement insert = cache.prepared(Sqlite.INSERT_ROWS);
            int i = 1;
            for (String json : args) {
                insert.setString(i++, taskName);
                insert.setString(i++, json);
                insert.setLong(i++, createdAt);
            }
            List<Long> chunk = new ArrayList<>(args.size());
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    chunk.add(rs.getLong(1));
                }
            }
            chunk.sort(Comparator.naturalOrder());
            ids.addAll(chunk);
        } catch (SQLException e) {
            cache.discard(Sqlite.INSERT_ROWS);
            throw new DataAccessException("SQL [" + Sqlite.INSERT_ROWS + "]; " + e.getMessage(), e);
        }
    }

    /**
     * Deletes and returns up to {@code limit} of the oldest tasks, in id order: one statement, so a task is claimed
     * by exactly one caller. On PostgreSQL rows locked by another foreman's claim are skipped, not waited for.
     *
     * @throws DbmqException when the statement returned more than {@code limit} rows (no statement here can, under
     *                       any plan; should one ever do it, the caller's transaction must roll back rather than hold
     *                       tasks no worker is free for)
     */
    static List<Row> claim(DSLContext dsl, int limit) {
        return claim(dsl, limit, null);
    }

    /**
     * As {@link #claim(DSLContext, int)}, of the tasks named {@code names} only (null: any name). Tasks of other names
     * stay queued for a foreman that handles them (a rolling deploy's new task type, say).
     */
    static List<Row> claim(DSLContext dsl, int limit, List<String> names) {
        StatementCache cache = StatementCache.of(dsl);
        List<Row> sorted;
        if (cache == null) {
            var claim = dsl.dialect().family() == SQLDialect.POSTGRES ? postgresClaimQuery(dsl, limit, names)
                    : claimQuery(dsl, limit, names);
            sorted = new ArrayList<>(claim.fetch(r -> new Row(r.getId(), r.getTaskName(), r.getArgs(),
                    r.getCreatedAt())));
        } else {
            sorted = new ArrayList<>(limit);
            String sql = Sqlite.claim(names);
            try {
                PreparedStatement claim = cache.prepared(sql);
                bindClaim(claim, limit, names);
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) { // columns in the order of claimQuery's returning(…)
                        sorted.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                    }
                }
            } catch (SQLException e) {
                cache.discard(sql);
                throw new DataAccessException("SQL [" + sql + "]; " + e.getMessage(), e);
            }
        }
        if (sorted.size() > limit) {
            throw new DbmqException("a claim of at most " + limit + " tasks returned " + sorted.size()
                    + " rows; rolled back, nothing claimed");
        }
        sorted.sort(Comparator.comparingLong(Row::id));
        return sorted;
    }

    /**
     * SQLite's claim: {@code DELETE … WHERE id IN (SELECT id … ORDER BY id LIMIT n) RETURNING …}. SQLite evaluates
     * the uncorrelated sub-select once, into a list, before the delete looks up its rowids ({@code EXPLAIN QUERY PLAN}:
     * {@code LIST SUBQUERY}); it has no FOR UPDATE, and needs none under BEGIN IMMEDIATE.
     */
    private static DeleteResultStep<DbmqTaskRecord> claimQuery(DSLContext dsl, int limit, List<String> names) {
        return dsl.deleteFrom(DBMQ_TASK)
                .where(DBMQ_TASK.ID.in(oldest(dsl, limit, names, false)))
                .returning(DBMQ_TASK.ID, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT);
    }

    /**
     * The ids of the {@code limit} oldest tasks named {@code names} (null: any). One name: {@code WHERE task_name = ?
     * ORDER BY id LIMIT n}, a range of the (task_name, id) index (V2), so tasks of other names pending in any number
     * cost nothing. Several: that per name, merged ({@code UNION ALL}, then the lowest {@code n}): k index ranges of at
     * most n rows, where {@code task_name IN (…) ORDER BY id} would have the planner choose between scanning the other
     * names' rows in id order and sorting every matching row.
     */
    private static Select<Record1<Long>> oldest(DSLContext dsl, int limit, List<String> names, boolean lock) {
        if (names == null) {
            var all = dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK).orderBy(DBMQ_TASK.ID).limit(limit);
            return lock ? all.forUpdate().skipLocked() : all;
        }
        Field<Long> id = DSL.field(DSL.name("id"), Long.class);
        Select<Record1<Long>> merged = null;
        for (int i = 0; i < names.size(); i++) {
            var ofName = dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK).where(DBMQ_TASK.TASK_NAME.eq(names.get(i)))
                    .orderBy(DBMQ_TASK.ID).limit(limit);
            Select<Record1<Long>> branch = lock ? ofName.forUpdate().skipLocked() : ofName;
            if (names.size() == 1) {
                return branch;
            }
            Select<Record1<Long>> wrapped = dsl.select(id).from(branch.asTable("n" + i));
            merged = merged == null ? wrapped : merged.unionAll(wrapped);
        }
        return dsl.select(id).from(merged.asTable("merged")).orderBy(id).limit(limit);
    }

    private static void bindClaim(PreparedStatement claim, int limit, List<String> names) throws SQLException {
        int i = 1;
        if (names == null) {
            claim.setInt(i, limit);
            return;
        }
        for (String name : names) {
            claim.setString(i++, name);
            claim.setInt(i++, limit);
        }
        if (names.size() > 1) {
            claim.setInt(i, limit);
        }
    }

    /**
     * PostgreSQL's claim: {@code DELETE … WHERE id = ANY(ARRAY(SELECT id … ORDER BY id LIMIT n FOR UPDATE SKIP
     * LOCKED)) RETURNING …}.
     *
     * <p>The bound holds under any plan: the ARRAY(…) sub-select is uncorrelated, so PostgreSQL evaluates it once per
     * statement (an InitPlan) into an array of at most {@code n} ids, and the delete matches those ids (a primary
     * key) and no others. The form {@code id IN (SELECT …)} leaves that to the planner: a legal nested-loop semi-join
     * rescans the sub-select for every row of the table, each rescan skips the rows this statement already deleted
     * and locks {@code n} more, and one claim deletes the whole queue (issue #9; {@code PostgresClaimBoundTest}).
     *
     * <p>Rather than River's and Oban's {@code WITH … AS MATERIALIZED (…)}, which bounds it too: the delete is an
     * index lookup of the ids ({@code Index Cond: id = ANY($1)}), not a join, so join-method settings and statistics
     * have nothing to choose between (with joins disabled, the CTE form's delete scans the whole table); it was no
     * slower in a comparison of the three forms; and jOOQ 3.19 qualifies a CTE's fields with the render-mapped schema
     * ({@code "s"."cte"."id"}), which PostgreSQL rejects.
     */
    private static DeleteResultStep<DbmqTaskRecord> postgresClaimQuery(DSLContext dsl, int limit,
                                                                        List<String> names) {
        return dsl.deleteFrom(DBMQ_TASK)
                .where(DBMQ_TASK.ID.eq(DSL.any(DSL.array(oldest(dsl, limit, names, true)))))
                .returning(DBMQ_TASK.ID, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT);
    }

    /**
     * The hot statements on SQLite, rendered once by jOOQ with placeholders, for {@link StatementCache}; each is
     * checked to bind exactly these values in this order.
     */
    private static final class Sqlite {
        private static final DSLContext RENDER = DSL.using(SQLDialect.SQLITE, SqliteDatabase.jooqSettings());
        /** Binds task_name, args, created_at; returns id. */
        static final String INSERT = StatementCache.render(insertQuery(RENDER, "task_name", "args", 0L),
                List.of("task_name", "args", 0L));
        /** Rows of {@link #INSERT_ROWS}. */
        static final int PREPARED_ROWS = 100;
        /** Binds task_name, args, created_at for each of PREPARED_ROWS rows; returns their ids. */
        static final String INSERT_ROWS = renderInsertRows();
        /** Claims of any name, then of 1, 2, … names: rendered at first use, for the life of the class. */
        private static final String ANY_NAME = StatementCache.render(claimQuery(RENDER, 1, null), List.of(1));
        private static final java.util.concurrent.ConcurrentHashMap<Integer, String> BY_NAME_COUNT =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** The claim binding what {@link #bindClaim} binds; returns id, task_name, args, created_at. */
        static String claim(List<String> names) {
            if (names == null) {
                return ANY_NAME;
            }
            return BY_NAME_COUNT.computeIfAbsent(names.size(), k -> {
                List<String> placeholders = new ArrayList<>();
                List<Object> binds = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    placeholders.add("name" + i);
                    binds.addAll(List.of("name" + i, 1));
                }
                if (k > 1) {
                    binds.add(1);
                }
                return StatementCache.render(claimQuery(RENDER, 1, placeholders), binds);
            });
        }

        private static String renderInsertRows() {
            InsertValuesStep3<DbmqTaskRecord, String, String, Long> insert =
                    RENDER.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.CREATED_AT);
            List<Object> binds = new ArrayList<>();
            for (int row = 0; row < PREPARED_ROWS; row++) {
                insert = insert.values("task_name" + row, "args" + row, (long) row);
                binds.addAll(List.of("task_name" + row, "args" + row, (long) row));
            }
            return StatementCache.render(insert.returningResult(DBMQ_TASK.ID), binds);
        }
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
    static List<Row> takeUnhandled(DSLContext dsl, List<String> names, long createdBefore, int limit) {
        var oldest = dsl.select(DBMQ_TASK.ID).from(DBMQ_TASK)
                .where(DBMQ_TASK.TASK_NAME.notIn(names)).and(DBMQ_TASK.CREATED_AT.lt(createdBefore))
                .orderBy(DBMQ_TASK.ID).limit(limit);
        var delete = dsl.deleteFrom(DBMQ_TASK).where(dsl.dialect().family() == SQLDialect.POSTGRES
                ? DBMQ_TASK.ID.eq(DSL.any(DSL.array(oldest.forUpdate().skipLocked())))
                : DBMQ_TASK.ID.in(oldest));
        List<Row> rows = new ArrayList<>(delete.returning(DBMQ_TASK.ID, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS,
                DBMQ_TASK.CREATED_AT).fetch(r -> new Row(r.getId(), r.getTaskName(), r.getArgs(), r.getCreatedAt())));
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
