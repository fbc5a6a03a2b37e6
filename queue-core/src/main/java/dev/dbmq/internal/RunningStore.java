package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING;

import dev.dbmq.internal.jooq.tables.records.DbmqRunningRecord;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The statements on {@code dbmq_running}, the same on every database: one row per running attempt, in the worker slot
 * of the foreman that runs it, written in the transaction that claims it and cleared (or written over) by that foreman
 * once the attempt ends, so that the attempts of a foreman that died are still there to be settled ({@link #take}).
 * Stateless, like {@link TaskStore}.
 */
public final class RunningStore {

    private RunningStore() {
    }

    /**
     * A running attempt as its row says.
     *
     * @param task      the claimed row it was made from; {@link #task()} gives it back, to keep as failed or run again
     * @param foremanId the foreman running it
     * @param slot      its worker slot on that foreman
     * @param startedAt when it was claimed, epoch ms
     * @param progress  as its handler last reported it, 0 to 1, or null
     * @param note      reported with the progress, or null
     * @param maxAttempts at least once: the attempts its task may use; null: at most once
     */
    public record Running(TaskStore.Row task, String foremanId, int slot, long startedAt, Double progress, String note,
                          Integer maxAttempts) {
        /** At least once, with attempts left: runs again as its next attempt when settled. */
        public boolean runsAgain() {
            return maxAttempts != null && task.attempt() < maxAttempts;
        }
    }

    /**
     * A claimed task to record: its row, its worker slot, and for an at-least-once task the attempts it may use
     * (null: at most once).
     */
    public record Entry(TaskStore.Row row, int slot, Integer maxAttempts) {
    }

    /**
     * Records that the foreman {@code foremanId} runs these claimed tasks, started at {@code startedAt}: each written
     * over the row of an attempt that ended in its slot, if there is one (an upsert on the key), so a record costs no
     * delete.
     */
    public static void record(DSLContext dsl, List<Entry> entries, String foremanId, long startedAt) {
        if (entries.isEmpty()) {
            return;
        }
        recordAllQuery(dsl, entries, foremanId, startedAt).execute();
    }

    /** {@link #record} of one or more entries, as one statement. */
    public static org.jooq.Query recordAllQuery(DSLContext dsl, List<Entry> entries, String foremanId,
                                                long startedAt) {
        var insert = dsl.insertInto(DBMQ_RUNNING, DBMQ_RUNNING.FOREMAN_ID, DBMQ_RUNNING.SLOT, DBMQ_RUNNING.ID,
                DBMQ_RUNNING.TASK_NAME, DBMQ_RUNNING.ARGS, DBMQ_RUNNING.METADATA, DBMQ_RUNNING.CREATED_AT,
                DBMQ_RUNNING.DUE_AT, DBMQ_RUNNING.ATTEMPT, DBMQ_RUNNING.STARTED_AT, DBMQ_RUNNING.MAX_ATTEMPTS,
                DBMQ_RUNNING.PRIORITY, DBMQ_RUNNING.LIMIT_KEY);
        List<Object> values = java.util.Arrays.asList(recordValues(entries, foremanId, startedAt));
        for (int row = 0; row < entries.size(); row++) {
            insert = insert.values(values.subList(row * RECORD_COLUMNS, (row + 1) * RECORD_COLUMNS));
        }
        return overwriting(insert);
    }

    /** The values a record of one entry binds ({@link #recordValues}). */
    public static final int RECORD_COLUMNS = 13;

    /**
     * The values {@link #recordAllQuery} binds, entry by entry, in its columns' order: what a statement rendered once
     * from it ({@link #recordSql}) binds.
     */
    public static Object[] recordValues(List<Entry> entries, String foremanId, long startedAt) {
        Object[] values = new Object[entries.size() * RECORD_COLUMNS];
        int i = 0;
        for (Entry e : entries) {
            TaskStore.Row r = e.row();
            values[i++] = foremanId;
            values[i++] = e.slot();
            values[i++] = r.id();
            values[i++] = r.taskName();
            values[i++] = r.args();
            values[i++] = r.metadata();
            values[i++] = r.createdAt();
            values[i++] = r.dueAt();
            values[i++] = r.attempt();
            values[i++] = startedAt;
            values[i++] = e.maxAttempts();
            values[i++] = r.priority();
            values[i++] = r.limitKey();
        }
        return values;
    }

    /**
     * The SQL of {@link #recordAllQuery} for {@code rows} entries, placeholders for its {@link #recordValues}: rendered
     * once per row count by a database that runs it as written ({@code PostgresStatements}).
     */
    public static String recordSql(DSLContext dsl, int rows) {
        TaskStore.Row sample = new TaskStore.Row(1, "n", "{}", 1, 1, 1, null, null, "m", 1, "k");
        org.jooq.Query q = recordAllQuery(dsl, java.util.Collections.nCopies(rows, new Entry(sample, 1, 1)), "f", 1);
        if (q.getBindValues().size() != rows * RECORD_COLUMNS) {
            throw new IllegalStateException("a record binds " + q.getBindValues().size() + " values for " + rows
                    + " rows, not " + RECORD_COLUMNS + " each: " + q.getSQL());
        }
        return q.getSQL();
    }

    /** {@link #record} of one entry: SQLite prepares it ({@code SqliteStatements}). */
    public static org.jooq.Query recordQuery(DSLContext dsl, Entry e, String foremanId, long startedAt) {
        return recordAllQuery(dsl, List.of(e), foremanId, startedAt);
    }

    private static org.jooq.Query overwriting(org.jooq.InsertOnDuplicateStep<DbmqRunningRecord> insert) {
        return insert.onConflict(DBMQ_RUNNING.FOREMAN_ID, DBMQ_RUNNING.SLOT).doUpdate()
                .set(DBMQ_RUNNING.ID, excluded(DBMQ_RUNNING.ID))
                .set(DBMQ_RUNNING.TASK_NAME, excluded(DBMQ_RUNNING.TASK_NAME))
                .set(DBMQ_RUNNING.ARGS, excluded(DBMQ_RUNNING.ARGS))
                .set(DBMQ_RUNNING.METADATA, excluded(DBMQ_RUNNING.METADATA))
                .set(DBMQ_RUNNING.CREATED_AT, excluded(DBMQ_RUNNING.CREATED_AT))
                .set(DBMQ_RUNNING.DUE_AT, excluded(DBMQ_RUNNING.DUE_AT))
                .set(DBMQ_RUNNING.ATTEMPT, excluded(DBMQ_RUNNING.ATTEMPT))
                .set(DBMQ_RUNNING.STARTED_AT, excluded(DBMQ_RUNNING.STARTED_AT))
                .set(DBMQ_RUNNING.MAX_ATTEMPTS, excluded(DBMQ_RUNNING.MAX_ATTEMPTS))
                .set(DBMQ_RUNNING.PRIORITY, excluded(DBMQ_RUNNING.PRIORITY))
                .set(DBMQ_RUNNING.LIMIT_KEY, excluded(DBMQ_RUNNING.LIMIT_KEY))
                // inlined, so the prepared statement binds the inserted values only
                .set(DBMQ_RUNNING.PROGRESS, DSL.inline(null, DBMQ_RUNNING.PROGRESS))
                .set(DBMQ_RUNNING.NOTE, DSL.inline(null, DBMQ_RUNNING.NOTE))
                .set(DBMQ_RUNNING.CANCEL_REQUESTED_AT, DSL.inline(null, DBMQ_RUNNING.CANCEL_REQUESTED_AT));
    }

    /**
     * {@code excluded.<column>} in an upsert's update, as plain SQL: jOOQ qualifies {@code DSL.excluded} (and any
     * qualified name) with the schema when the queue maps its schema (PostgreSQL's {@code schema(…)}), which
     * PostgreSQL refuses.
     */
    private static <T> org.jooq.Field<T> excluded(org.jooq.Field<T> column) {
        return DSL.field("excluded." + column.getName(), column.getDataType()); // plain SQL: no mapping touches it
    }

    /**
     * Clears the rows of slots of {@code foremanId} whose attempts ended. A row another foreman settled meanwhile
     * (this one was thought dead) is not there: nothing happens to it here.
     */
    public static void clear(DSLContext dsl, String foremanId, Collection<Integer> slots) {
        if (slots.isEmpty()) {
            return;
        }
        dsl.deleteFrom(DBMQ_RUNNING).where(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId)).and(DBMQ_RUNNING.SLOT.in(slots))
                .execute();
    }

    /** {@link #clear} of one slot: SQLite prepares it. */
    public static org.jooq.Query clearQuery(DSLContext dsl, String foremanId, int slot) {
        return dsl.deleteFrom(DBMQ_RUNNING).where(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId))
                .and(DBMQ_RUNNING.SLOT.eq(slot));
    }

    /**
     * Ends one attempt's record: deletes it if it is still this attempt's (same foreman, slot, task and attempt).
     * False when another foreman settled it meanwhile (this one was thought dead): the caller must then not write the
     * attempt's outcome, since the settlement already decided it.
     */
    public static boolean end(DSLContext dsl, String foremanId, int slot, long taskId, int attempt) {
        return dsl.deleteFrom(DBMQ_RUNNING).where(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId))
                .and(DBMQ_RUNNING.SLOT.eq(slot)).and(DBMQ_RUNNING.ID.eq(taskId)).and(DBMQ_RUNNING.ATTEMPT.eq(attempt))
                .execute() > 0;
    }

    /** Writes a running attempt's progress, if its record is still its own. */
    public static void progress(DSLContext dsl, String foremanId, int slot, long taskId, double fraction,
                                String note) {
        dsl.update(DBMQ_RUNNING).set(DBMQ_RUNNING.PROGRESS, fraction).set(DBMQ_RUNNING.NOTE, note)
                .where(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId)).and(DBMQ_RUNNING.SLOT.eq(slot))
                .and(DBMQ_RUNNING.ID.eq(taskId)).execute();
    }

    /** A foreman's own record, as its watch reads it back: which task is in a slot, and whether it is to stop. */
    public record Own(int slot, long taskId, boolean cancelRequested) {
    }

    public static List<Own> own(DSLContext dsl, String foremanId) {
        return dsl.select(DBMQ_RUNNING.SLOT, DBMQ_RUNNING.ID, DBMQ_RUNNING.CANCEL_REQUESTED_AT).from(DBMQ_RUNNING)
                .where(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId))
                .fetch(r -> new Own(r.value1(), r.value2(), r.value3() != null));
    }

    /**
     * Asks the running attempt of task {@code taskId} to stop: marks its record. True when there is such a record
     * (also for an attempt that succeeded less than about a second ago, whose record is not cleared yet).
     */
    public static boolean requestCancel(DSLContext dsl, long taskId, long nowMillis) {
        return dsl.update(DBMQ_RUNNING).set(DBMQ_RUNNING.CANCEL_REQUESTED_AT,
                        DSL.coalesce(DBMQ_RUNNING.CANCEL_REQUESTED_AT, DSL.val(nowMillis)))
                .where(DBMQ_RUNNING.ID.eq(taskId)).execute() > 0;
    }

    /** Records per foreman: how busy each is. */
    public static java.util.Map<String, Integer> countByForeman(DSLContext dsl) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        dsl.select(DBMQ_RUNNING.FOREMAN_ID, DSL.count()).from(DBMQ_RUNNING).groupBy(DBMQ_RUNNING.FOREMAN_ID)
                .forEach(r -> counts.put(r.value1(), r.value2()));
        return counts;
    }

    /** Running attempts per task name, for stats: as recorded. */
    public static java.util.Map<String, Long> countByName(DSLContext dsl) {
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        dsl.select(DBMQ_RUNNING.TASK_NAME, DSL.count()).from(DBMQ_RUNNING).groupBy(DBMQ_RUNNING.TASK_NAME)
                .orderBy(DBMQ_RUNNING.TASK_NAME).forEach(r -> counts.put(r.value1(), (long) r.value2()));
        return counts;
    }

    /**
     * Records of {@code names}, per name (names without one are absent), but for those in {@code endedSlots} of
     * {@code foremanId} (that foreman's attempts that ended, whose records wait to be written over or cleared): for a
     * claim of that foreman, how many places of their concurrency limits are taken. A scan: the table holds a row per
     * worker slot at most.
     */
    public static java.util.Map<String, Integer> countOf(DSLContext dsl, Collection<String> names, String foremanId,
                                                         Collection<Integer> endedSlots) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        org.jooq.Condition running = endedSlots.isEmpty() ? DSL.noCondition()
                : DSL.not(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId).and(DBMQ_RUNNING.SLOT.in(endedSlots)));
        dsl.select(DBMQ_RUNNING.TASK_NAME, DSL.count()).from(DBMQ_RUNNING).where(DBMQ_RUNNING.TASK_NAME.in(names))
                .and(running).groupBy(DBMQ_RUNNING.TASK_NAME).forEach(r -> counts.put(r.value1(), r.value2()));
        return counts;
    }

    /** Every running attempt, the longest running first. */
    public static List<Running> all(DSLContext dsl) {
        return dsl.selectFrom(DBMQ_RUNNING).orderBy(DBMQ_RUNNING.STARTED_AT, DBMQ_RUNNING.ID)
                .fetch(RunningStore::running);
    }

    /** The foremen other than {@code foremanId} that have attempts recorded (a scan: the table is small). */
    public static List<String> foremenOtherThan(DSLContext dsl, String foremanId) {
        return dsl.selectDistinct(DBMQ_RUNNING.FOREMAN_ID).from(DBMQ_RUNNING)
                .where(DBMQ_RUNNING.FOREMAN_ID.ne(foremanId)).fetch(DBMQ_RUNNING.FOREMAN_ID);
    }

    /**
     * Deletes and returns the records of the foremen {@code foremanIds}, which are gone: one statement, so of two
     * foremen settling at once each record goes to one.
     */
    public static List<Running> take(DSLContext dsl, Collection<String> foremanIds) {
        if (foremanIds.isEmpty()) {
            return List.of();
        }
        return dsl.deleteFrom(DBMQ_RUNNING).where(DBMQ_RUNNING.FOREMAN_ID.in(foremanIds))
                .returning().fetch(RunningStore::running);
    }

    /** Why a settled attempt is kept as failed: {@code interrupted}, first, so operators can filter on it. */
    public static String interruptedReason(Running r) {
        String what = "interrupted: foreman " + r.foremanId() + " ended while attempt " + r.task().attempt() + " ran"
                + " (started " + Instant.ofEpochMilli(r.startedAt()) + ")";
        return r.maxAttempts() == null
                ? what + "; it may or may not have finished. Run it again with requeueFailed if it is safe to"
                : what + ", its last (at least once, " + r.maxAttempts() + " attempts)";
    }

    private static Running running(DbmqRunningRecord r) {
        return new Running(new TaskStore.Row(r.getId(), r.getTaskName(), r.getArgs(), r.getCreatedAt(),
                r.getDueAt(), r.getAttempt(), null, null, r.getMetadata(), r.getPriority(), r.getLimitKey()),
                r.getForemanId(),
                r.getSlot(), r.getStartedAt(), r.getProgress(), r.getNote(), r.getMaxAttempts());
    }
}
