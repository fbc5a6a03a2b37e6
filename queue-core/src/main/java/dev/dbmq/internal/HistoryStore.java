package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_HISTORY;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK_MINUTE;

import dev.dbmq.internal.jooq.tables.records.DbmqHistoryRecord;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The statements on the history of finished attempts ({@code dbmq_history}) and the counts per minute
 * ({@code dbmq_task_minute}), the same on every database. Stateless.
 */
public final class HistoryStore {

    /** Rows per JDBC batch. */
    static final int INSERT_CHUNK = 1000;
    /** Most rows one prune statement deletes: a transaction of a few milliseconds, so a claim waits no longer. */
    public static final int PRUNE_BATCH = 1000;

    private HistoryStore() {
    }

    /**
     * A finished attempt as the history keeps it; times epoch ms.
     *
     * @param foremanId null for a manual foreman
     * @param error     null unless it threw
     */
    public record Entry(long id, String taskName, int attempt, String outcome, long createdAt, long startedAt,
                        long finishedAt, String foremanId, String error) {
    }

    /** A count per task name and minute (epoch minutes). */
    public record Minute(String taskName, long minute) {
    }

    /** Done and failed attempts of one task name in one minute. */
    public record MinuteCounts(String taskName, long minute, long done, long failed) {
    }

    /**
     * Writes the entries: one prepared statement, executed as a JDBC batch, in the caller's transaction. Not jOOQ's
     * multi-row insert: rendering and binding nine values a row through jOOQ cost more than the database's work (a
     * flush writes about a second's worth of finished attempts, thousands of rows on a busy foreman).
     */
    public static void insert(DSLContext dsl, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        String sql = "insert into " + dsl.render(DBMQ_HISTORY) + " (id, task_name, attempt, outcome, created_at,"
                + " started_at, finished_at, foreman_id, error) values (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        dsl.connection(c -> {
            try (java.sql.PreparedStatement insert = c.prepareStatement(sql)) {
                int pending = 0;
                for (Entry e : entries) {
                    insert.setLong(1, e.id());
                    insert.setString(2, e.taskName());
                    insert.setInt(3, e.attempt());
                    insert.setString(4, e.outcome());
                    insert.setLong(5, e.createdAt());
                    insert.setLong(6, e.startedAt());
                    insert.setLong(7, e.finishedAt());
                    insert.setString(8, e.foremanId());
                    insert.setString(9, e.error());
                    insert.addBatch();
                    if (++pending == INSERT_CHUNK) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    insert.executeBatch();
                }
            }
        });
    }

    /** Adds done/failed counts per task name and minute ({@code long[]{done, failed}}). */
    public static void addMinutes(DSLContext dsl, Map<Minute, long[]> counts) {
        for (Map.Entry<Minute, long[]> e : counts.entrySet()) {
            long done = e.getValue()[0];
            long failed = e.getValue()[1];
            dsl.insertInto(DBMQ_TASK_MINUTE, DBMQ_TASK_MINUTE.TASK_NAME, DBMQ_TASK_MINUTE.MINUTE,
                            DBMQ_TASK_MINUTE.DONE, DBMQ_TASK_MINUTE.FAILED)
                    .values(e.getKey().taskName(), e.getKey().minute(), done, failed)
                    .onConflict(DBMQ_TASK_MINUTE.TASK_NAME, DBMQ_TASK_MINUTE.MINUTE)
                    .doUpdate()
                    .set(DBMQ_TASK_MINUTE.DONE, DBMQ_TASK_MINUTE.DONE.plus(done))
                    .set(DBMQ_TASK_MINUTE.FAILED, DBMQ_TASK_MINUTE.FAILED.plus(failed))
                    .execute();
        }
    }

    /**
     * Deletes up to {@link #PRUNE_BATCH} of the oldest entries that finished before {@code cutoffMillis}, walking the
     * primary key from the oldest: the oldest entry says whether there is anything to do (a read: no write lock is
     * taken when there isn't), and the {@code PRUNE_BATCH}-th oldest bounds the delete, so each statement reads at
     * most a batch of rows and no index on the end time is needed. An entry written out of order (a foreman's flush
     * that came late) goes once the entries in front of it have. Run it outside a transaction: each delete commits on
     * its own. Returns how many were deleted; fewer than a batch: nothing older is left in front.
     */
    public static int prune(DSLContext dsl, long cutoffMillis) {
        Long oldest = dsl.select(DBMQ_HISTORY.FINISHED_AT).from(DBMQ_HISTORY).orderBy(DBMQ_HISTORY.SEQ).limit(1)
                .fetchOne(DBMQ_HISTORY.FINISHED_AT);
        if (oldest == null || oldest >= cutoffMillis) {
            return 0;
        }
        Long bound = dsl.select(DBMQ_HISTORY.SEQ).from(DBMQ_HISTORY).orderBy(DBMQ_HISTORY.SEQ).limit(1)
                .offset(PRUNE_BATCH - 1).fetchOne(DBMQ_HISTORY.SEQ);
        Condition upTo = bound == null ? DSL.noCondition() : DBMQ_HISTORY.SEQ.le(bound);
        return dsl.deleteFrom(DBMQ_HISTORY).where(upTo).and(DBMQ_HISTORY.FINISHED_AT.lt(cutoffMillis)).execute();
    }

    /** Deletes the counts of minutes before {@code minute}. */
    public static int pruneMinutes(DSLContext dsl, long minute) {
        return dsl.deleteFrom(DBMQ_TASK_MINUTE).where(DBMQ_TASK_MINUTE.MINUTE.lt(minute)).execute();
    }

    /** A task's entries, oldest first (an index lookup by id). */
    public static List<Entry> ofTask(DSLContext dsl, long id) {
        return dsl.selectFrom(DBMQ_HISTORY).where(DBMQ_HISTORY.ID.eq(id)).orderBy(DBMQ_HISTORY.SEQ)
                .fetch(HistoryStore::entry);
    }

    /**
     * The newest entries, of one task name (null: of all), newest first, at most {@code limit}: a range of the
     * primary key or of the name's index.
     */
    public static List<Entry> newest(DSLContext dsl, String taskName, int limit) {
        Condition c = taskName == null ? DSL.noCondition() : DBMQ_HISTORY.TASK_NAME.eq(taskName);
        return dsl.selectFrom(DBMQ_HISTORY).where(c).orderBy(DBMQ_HISTORY.SEQ.desc()).limit(limit)
                .fetch(HistoryStore::entry);
    }

    /** Counts per task name and minute, from {@code fromMinute} on, by name then minute. */
    public static List<MinuteCounts> minutes(DSLContext dsl, long fromMinute) {
        return dsl.selectFrom(DBMQ_TASK_MINUTE).where(DBMQ_TASK_MINUTE.MINUTE.ge(fromMinute))
                .orderBy(DBMQ_TASK_MINUTE.TASK_NAME, DBMQ_TASK_MINUTE.MINUTE)
                .fetch(r -> new MinuteCounts(r.getTaskName(), r.getMinute(), r.getDone(), r.getFailed()));
    }

    private static Entry entry(DbmqHistoryRecord r) {
        return new Entry(r.getId(), r.getTaskName(), r.getAttempt(), r.getOutcome(), r.getCreatedAt(),
                r.getStartedAt(), r.getFinishedAt(), r.getForemanId(), r.getError());
    }
}
