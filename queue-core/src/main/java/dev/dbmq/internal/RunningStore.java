package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING;

import dev.dbmq.internal.jooq.tables.records.DbmqRunningRecord;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep9;

/**
 * The statements on {@code dbmq_running}, the same on every database: one row per running attempt, written in the
 * transaction that claims it and removed by the foreman that runs it when the attempt ends, so that the attempts of a
 * foreman that died are still there to be settled ({@link #take}). Stateless, like {@link TaskStore}.
 */
public final class RunningStore {

    private RunningStore() {
    }

    /**
     * A running attempt as its row says.
     *
     * @param task      the claimed row it was made from; {@link #task()} gives it back, to keep as failed or run again
     * @param foremanId the foreman running it
     * @param startedAt when it was claimed, epoch ms
     * @param progress  as its handler last reported it, 0 to 1, or null
     * @param note      reported with the progress, or null
     */
    public record Running(TaskStore.Row task, String foremanId, long startedAt, Double progress, String note) {
    }

    /** Records that the foreman {@code foremanId} runs these claimed rows, started at {@code startedAt}. */
    public static void record(DSLContext dsl, Collection<TaskStore.Row> rows, String foremanId, long startedAt) {
        if (rows.isEmpty()) {
            return;
        }
        InsertValuesStep9<DbmqRunningRecord, Long, String, String, String, Long, Long, Integer, String, Long> insert =
                dsl.insertInto(DBMQ_RUNNING, DBMQ_RUNNING.ID, DBMQ_RUNNING.TASK_NAME, DBMQ_RUNNING.ARGS,
                        DBMQ_RUNNING.METADATA, DBMQ_RUNNING.CREATED_AT, DBMQ_RUNNING.DUE_AT, DBMQ_RUNNING.ATTEMPT,
                        DBMQ_RUNNING.FOREMAN_ID, DBMQ_RUNNING.STARTED_AT);
        for (TaskStore.Row r : rows) {
            insert = insert.values(r.id(), r.taskName(), r.args(), r.metadata(), r.createdAt(), r.dueAt(),
                    r.attempt(), foremanId, startedAt);
        }
        insert.execute();
    }

    /** The insert of one record: SQLite prepares it ({@code SqliteStatements}). */
    public static org.jooq.Query recordQuery(DSLContext dsl, TaskStore.Row r, String foremanId, long startedAt) {
        return dsl.insertInto(DBMQ_RUNNING, DBMQ_RUNNING.ID, DBMQ_RUNNING.TASK_NAME, DBMQ_RUNNING.ARGS,
                        DBMQ_RUNNING.METADATA, DBMQ_RUNNING.CREATED_AT, DBMQ_RUNNING.DUE_AT, DBMQ_RUNNING.ATTEMPT,
                        DBMQ_RUNNING.FOREMAN_ID, DBMQ_RUNNING.STARTED_AT)
                .values(r.id(), r.taskName(), r.args(), r.metadata(), r.createdAt(), r.dueAt(), r.attempt(),
                        foremanId, startedAt);
    }

    /** The removal of one record: SQLite prepares it. */
    public static org.jooq.Query removeQuery(DSLContext dsl, String foremanId, long id) {
        return dsl.deleteFrom(DBMQ_RUNNING).where(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId)).and(DBMQ_RUNNING.ID.eq(id));
    }

    /**
     * Removes the records of attempts of {@code foremanId} that ended. A record another foreman settled meanwhile
     * (this one was thought dead) is not there: nothing happens to it here.
     */
    public static void remove(DSLContext dsl, String foremanId, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        dsl.deleteFrom(DBMQ_RUNNING).where(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId)).and(DBMQ_RUNNING.ID.in(ids))
                .execute();
    }

    /** Every running attempt, the longest running first. */
    public static List<Running> all(DSLContext dsl) {
        return dsl.selectFrom(DBMQ_RUNNING).orderBy(DBMQ_RUNNING.STARTED_AT, DBMQ_RUNNING.ID)
                .fetch(RunningStore::running);
    }

    /** The foremen other than {@code foremanId} that have attempts recorded: one range of the foreman index. */
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
        return "interrupted: foreman " + r.foremanId() + " ended while attempt " + r.task().attempt() + " ran"
                + " (started " + Instant.ofEpochMilli(r.startedAt()) + "); it may or may not have finished. Run it"
                + " again with requeueFailed if it is safe to";
    }

    private static Running running(DbmqRunningRecord r) {
        return new Running(new TaskStore.Row(r.getId(), r.getTaskName(), r.getArgs(), r.getCreatedAt(),
                r.getDueAt(), r.getAttempt(), null, null, r.getMetadata()), r.getForemanId(), r.getStartedAt(), r.getProgress(),
                r.getNote());
    }
}
