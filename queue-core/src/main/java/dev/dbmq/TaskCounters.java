package dev.dbmq;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.TaskStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Done/failed counts per task name, gathered in memory by workers and flushed to the database by the foreman thread
 * now and then, so counting costs no write per task. A crash loses the increments not yet flushed (at most about
 * {@link #FLUSH_INTERVAL_NANOS} worth); the tasks themselves are unaffected. A threaded foreman's flush also removes
 * the records of attempts that succeeded and whose slots no claim has written over since ({@link RunningRecords}), so
 * they go within about a second of the foreman going idle.
 */
final class TaskCounters {

    private static final Logger log = LoggerFactory.getLogger(TaskCounters.class);
    static final long FLUSH_INTERVAL_NANOS = 1_000_000_000L;

    private final Database database;
    private final String foremanId;
    /** Null for a manual foreman, which keeps no records. */
    private final RunningRecords records;
    // Guarded by this: written by workers and the foreman thread, swapped out by flush.
    private Map<String, long[]> deltas = new HashMap<>();
    // Written by whichever thread flushes (the foreman's, or a manual foreman's caller).
    private volatile long lastFlush = System.nanoTime();

    TaskCounters(Database database) {
        this(database, null, null);
    }

    TaskCounters(Database database, String foremanId, RunningRecords records) {
        this.database = database;
        this.foremanId = foremanId;
        this.records = records;
    }

    synchronized void done(String taskName) {
        deltas.computeIfAbsent(taskName, k -> new long[2])[0]++;
    }

    synchronized void failed(String taskName) {
        deltas.computeIfAbsent(taskName, k -> new long[2])[1]++;
    }

    /** How long until counts are due to be flushed; {@code Long.MAX_VALUE} when there is nothing to flush. */
    synchronized long nanosUntilFlush() {
        return deltas.isEmpty() && (records == null || !records.anyEnded()) ? Long.MAX_VALUE
                : Math.max(0, lastFlush + FLUSH_INTERVAL_NANOS - System.nanoTime());
    }

    /**
     * Flushes when the interval has passed since the last attempt, or always when {@code force}. Never throws: a
     * failed flush keeps the counts for the next attempt.
     */
    void flush(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastFlush < FLUSH_INTERVAL_NANOS) {
            return;
        }
        Map<String, long[]> taken = take();
        List<Integer> ended = records == null ? List.of() : records.takeEnded();
        if (taken == null && ended.isEmpty()) {
            return;
        }
        lastFlush = now;
        try {
            database.transaction(dsl -> {
                write(dsl, taken, ended);
                return null;
            });
            cleared(ended);
        } catch (RuntimeException e) {
            log.warn("Cannot flush task counts ({}); will retry", e.toString());
            putBack(taken, ended);
        }
    }

    /**
     * The last flush, at a stop: waits for the database only until the deadline. Counts it can't save are logged,
     * since nobody will retry them.
     */
    void flushBy(long deadlineNanos) {
        Map<String, long[]> taken = take();
        List<Integer> ended = records == null ? List.of() : records.takeEnded();
        if (taken == null && ended.isEmpty()) {
            return;
        }
        try {
            database.transactionBy(deadlineNanos, dsl -> {
                write(dsl, taken, ended);
                return null;
            });
            cleared(ended);
        } catch (RuntimeException e) {
            if (taken == null) {
                log.warn("Cannot clear the records of {} finished tasks from dbmq_running ({}); the next foreman to"
                        + " start keeps them as interrupted", ended.size(), e.toString());
                return;
            }
            StringBuilder lost = new StringBuilder();
            taken.forEach((name, d) -> lost.append(lost.isEmpty() ? "" : ", ").append(name).append(": done ")
                    .append(d[0]).append(", failed ").append(d[1]));
            log.warn("Cannot save the last task counts ({}); not counted in stats: {}", e.toString(), lost);
        }
    }

    private void write(org.jooq.DSLContext dsl, Map<String, long[]> taken, List<Integer> ended) {
        if (taken != null) {
            TaskStore.addCounts(dsl, taken);
        }
        RunningStore.clear(dsl, foremanId, ended);
    }

    private void cleared(List<Integer> ended) {
        if (records != null) {
            records.cleared(ended);
        }
    }

    private synchronized Map<String, long[]> take() {
        if (deltas.isEmpty()) {
            return null;
        }
        Map<String, long[]> taken = deltas;
        deltas = new HashMap<>();
        return taken;
    }

    private synchronized void putBack(Map<String, long[]> taken, List<Integer> ended) {
        if (records != null) {
            records.notCleared(ended);
        }
        if (taken == null) {
            return;
        }
        taken.forEach((name, d) -> {
            long[] cur = deltas.computeIfAbsent(name, k -> new long[2]);
            cur[0] += d[0];
            cur[1] += d[1];
        });
    }
}
