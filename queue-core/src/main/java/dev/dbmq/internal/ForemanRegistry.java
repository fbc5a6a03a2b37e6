package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_FOREMAN;

import dev.dbmq.internal.jooq.tables.records.DbmqForemanRecord;
import java.util.Arrays;
import java.util.List;
import org.jooq.DSLContext;

/**
 * The statements on {@code dbmq_foreman}, the same on every database: a foreman's row, written when it starts and
 * as its state changes, kept after it ends. Whether a foreman is alive is not here: each backend judges it
 * ({@link Storage#foremen}), never by a clock.
 */
public final class ForemanRegistry {

    private ForemanRegistry() {
    }

    /**
     * A foreman as its row says.
     *
     * @param processStartedAt its process's start as the OS reported it, epoch ms, or null when unknown
     * @param state            RUNNING, STOPPED or FAILED, as the foreman last wrote it
     * @param lockKey          PostgreSQL: the second half of its advisory lock's key; SQLite: 0
     * @param stoppedAt        when it stopped or failed, or null (running, or killed)
     * @param alive            as its backend judges it when the rows are read
     */
    public record Row(String id, String host, long pid, Long processStartedAt, long startedAt, int workers,
                      List<String> handles, String state, int lockKey, Long stoppedAt, boolean alive) {
    }

    /** Writes a starting foreman's row, RUNNING; returns its lock key (PostgreSQL: drawn by the database). */
    public static int register(DSLContext dsl, String id, String host, long pid, Long processStartedAt,
                               long startedAt, int workers, List<String> handles) {
        return dsl.insertInto(DBMQ_FOREMAN)
                .set(DBMQ_FOREMAN.ID, id)
                .set(DBMQ_FOREMAN.HOST, host)
                .set(DBMQ_FOREMAN.PID, pid)
                .set(DBMQ_FOREMAN.PROCESS_STARTED_AT, processStartedAt)
                .set(DBMQ_FOREMAN.STARTED_AT, startedAt)
                .set(DBMQ_FOREMAN.WORKERS, workers)
                .set(DBMQ_FOREMAN.HANDLES, String.join(",", handles))
                .set(DBMQ_FOREMAN.STATE, "RUNNING")
                .returning(DBMQ_FOREMAN.LOCK_KEY)
                .fetchOne(DBMQ_FOREMAN.LOCK_KEY);
    }

    /** A foreman's new state; {@code endedAt} for STOPPED and FAILED, else null. */
    public static void setState(DSLContext dsl, String id, String state, Long endedAt) {
        dsl.update(DBMQ_FOREMAN).set(DBMQ_FOREMAN.STATE, state).set(DBMQ_FOREMAN.STOPPED_AT, endedAt)
                .where(DBMQ_FOREMAN.ID.eq(id)).execute();
    }

    /** Deletes the rows of foremen that ended (or died) before now: bounded by {@code ids}, which the caller chose. */
    public static int delete(DSLContext dsl, List<String> ids) {
        return ids.isEmpty() ? 0 : dsl.deleteFrom(DBMQ_FOREMAN).where(DBMQ_FOREMAN.ID.in(ids)).execute();
    }

    /** A row read with the backend's verdict on whether its foreman is alive. */
    public static Row row(DbmqForemanRecord r, boolean alive) {
        List<String> handles = r.getHandles().isEmpty() ? List.of() : Arrays.asList(r.getHandles().split(","));
        return new Row(r.getId(), r.getHost(), r.getPid(), r.getProcessStartedAt(), r.getStartedAt(),
                r.getWorkers(), List.copyOf(handles), r.getState(), r.getLockKey(), r.getStoppedAt(), alive);
    }
}
