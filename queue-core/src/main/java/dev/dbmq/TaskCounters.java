package dev.dbmq;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.HistoryStore;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.TaskStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Done/failed counts per task name and per minute, and the history of finished attempts (when the queue keeps one:
 * {@link QueueSettings#history()}), gathered in memory by workers and flushed to the database by the foreman thread
 * now and then, in one transaction, so counting and history cost no write per task. A crash loses what was not yet
 * flushed (at most about {@link #FLUSH_INTERVAL_NANOS} worth); the tasks themselves are unaffected. While the
 * database refuses the flush, at most {@link #MAX_UNWRITTEN_HISTORY} history entries wait; newer ones are dropped
 * and counted in a WARN line. A threaded foreman's flush also removes
 * the records of attempts that succeeded and whose slots no claim has written over since ({@link RunningRecords}), so
 * they go within about a second of the foreman going idle.
 */
final class TaskCounters {

    private static final Logger log = LoggerFactory.getLogger(TaskCounters.class);
    static final long FLUSH_INTERVAL_NANOS = 1_000_000_000L;
    static final int MAX_UNWRITTEN_HISTORY = 100_000;

    private final Database database;
    private final String foremanId;
    /** Null for a manual foreman, which keeps no records. */
    private final RunningRecords records;
    private final InstantSource clock;
    private final boolean keepsHistory;
    // Guarded by this: written by workers and the foreman thread, swapped out by flush.
    private Unwritten unwritten = new Unwritten();
    // Written by whichever thread flushes (the foreman's, or a manual foreman's caller).
    private volatile long lastFlush = System.nanoTime();

    /** What waits to be written: counts per name ({done, failed}), per name and minute, history entries. */
    private static final class Unwritten {
        final Map<String, long[]> counts = new HashMap<>();
        final Map<HistoryStore.Minute, long[]> minutes = new HashMap<>();
        final List<HistoryStore.Entry> history = new ArrayList<>();
        long dropped;

        boolean isEmpty() {
            return counts.isEmpty() && history.isEmpty();
        }
    }

    TaskCounters(Database database, InstantSource clock, boolean keepsHistory) {
        this(database, null, null, clock, keepsHistory);
    }

    TaskCounters(Database database, String foremanId, RunningRecords records, InstantSource clock,
                 boolean keepsHistory) {
        this.database = database;
        this.foremanId = foremanId;
        this.records = records;
        this.clock = clock;
        this.keepsHistory = keepsHistory;
    }

    synchronized void done(String taskName) {
        count(taskName, 0);
    }

    synchronized void failed(String taskName) {
        count(taskName, 1);
    }

    private void count(String taskName, int which) {
        unwritten.counts.computeIfAbsent(taskName, k -> new long[2])[which]++;
        unwritten.minutes.computeIfAbsent(new HistoryStore.Minute(taskName, clock.millis() / 60_000),
                k -> new long[2])[which]++;
    }

    /** Whether {@link #ended} keeps anything: the queue keeps a history. */
    boolean keepsHistory() {
        return keepsHistory;
    }

    /** Longest exception text a history entry keeps, in chars. */
    static final int MAX_ERROR_CHARS = 2000;

    /**
     * An attempt of the task claimed as {@code row} ended: its history entry, written with the next flush, when the
     * queue keeps a history. Times epoch ms; {@code error} may be null.
     */
    void ended(TaskStore.Row row, FinishedAttempt.Outcome outcome, long startedAt, long finishedAt, String foremanId,
               String error) {
        if (keepsHistory) {
            String kept = error == null || error.length() <= MAX_ERROR_CHARS ? error
                    : error.substring(0, MAX_ERROR_CHARS - 1) + "…";
            add(new HistoryStore.Entry(row.id(), row.taskName(), row.attempt(), outcome.name(), row.createdAt(),
                    startedAt, finishedAt, foremanId, kept));
        }
    }

    private synchronized void add(HistoryStore.Entry entry) {
        if (unwritten.history.size() >= MAX_UNWRITTEN_HISTORY) {
            unwritten.dropped++;
            return;
        }
        unwritten.history.add(entry);
    }

    /** How long until counts are due to be flushed; {@code Long.MAX_VALUE} when there is nothing to flush. */
    synchronized long nanosUntilFlush() {
        return unwritten.isEmpty() && (records == null || !records.anyEnded()) ? Long.MAX_VALUE
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
        Unwritten taken = take();
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
        Unwritten taken = take();
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
            taken.counts.forEach((name, d) -> lost.append(lost.isEmpty() ? "" : ", ").append(name).append(": done ")
                    .append(d[0]).append(", failed ").append(d[1]));
            log.warn("Cannot save the last task counts ({}); not counted in stats: {}{}", e.toString(), lost,
                    taken.history.isEmpty() ? "" : "; " + taken.history.size() + " history entries not kept");
        }
    }

    private void write(org.jooq.DSLContext dsl, Unwritten taken, List<Integer> ended) {
        if (taken != null) {
            TaskStore.addCounts(dsl, taken.counts);
            HistoryStore.addMinutes(dsl, taken.minutes);
            HistoryStore.insert(dsl, taken.history);
            if (taken.dropped > 0) {
                log.warn("{} history entries were dropped: the database refused the history's writes for long",
                        taken.dropped);
            }
        }
        RunningStore.clear(dsl, foremanId, ended);
    }

    private void cleared(List<Integer> ended) {
        if (records != null) {
            records.cleared(ended);
        }
    }

    private synchronized Unwritten take() {
        if (unwritten.isEmpty()) {
            return null;
        }
        Unwritten taken = unwritten;
        unwritten = new Unwritten();
        return taken;
    }

    private synchronized void putBack(Unwritten taken, List<Integer> ended) {
        if (records != null) {
            records.notCleared(ended);
        }
        if (taken == null) {
            return;
        }
        taken.counts.forEach((name, d) -> add(unwritten.counts.computeIfAbsent(name, k -> new long[2]), d));
        taken.minutes.forEach((minute, d) -> add(unwritten.minutes.computeIfAbsent(minute, k -> new long[2]), d));
        int room = Math.max(0, MAX_UNWRITTEN_HISTORY - unwritten.history.size());
        unwritten.history.addAll(0, taken.history.subList(0, Math.min(room, taken.history.size())));
        unwritten.dropped += taken.dropped + Math.max(0, taken.history.size() - room);
    }

    private static void add(long[] to, long[] d) {
        to[0] += d[0];
        to[1] += d[1];
    }
}
