package dev.dbmq.internal.sqlite;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;

/**
 * How a queue's connection waits for another process's write lock (the foreman's claim, another producer's insert):
 * in steps of tens of microseconds at first, up to the busy timeout.
 *
 * <p>Why not SQLite's own busy timeout: it sleeps 1, 2, 5, 10, 15, 20, 25 ms… between tries, made for locks held for
 * long. A queue's write locks are held for tens of microseconds (one insert, one claim), so with a producer and a
 * foreman in two processes each meeting cost a whole millisecond or more, many times a second under load. Here the
 * first tries come after about 50 µs (the least a timed park sleeps on Linux, its timer slack), then 0.2 ms, and 1 ms
 * steps once a lock has been held for a few milliseconds (a checkpoint, a big enqueueAll), so a long wait costs little
 * CPU.
 *
 * <p>Threads: SQLite calls {@link #callback} on the thread running the statement, the one holding
 * {@link SqliteDatabase}'s lock, which alone also sets {@link #waitUntil}.
 */
final class SqliteBusyWait extends BusyHandler {

    private final long timeoutNanos;
    // Guarded by SqliteDatabase's lock: when this wait began, and a deadline that cuts it shorter (transactionBy).
    private long startedAt;
    private long deadline = Long.MAX_VALUE;
    private boolean hasDeadline;

    SqliteBusyWait(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** Waits of the current transaction end by {@code deadlineNanos} ({@link System#nanoTime()}) at the latest. */
    void waitUntil(long deadlineNanos) {
        deadline = deadlineNanos;
        hasDeadline = true;
    }

    /** Back to the busy timeout alone. */
    void clearDeadline() {
        hasDeadline = false;
    }

    /**
     * @param previous how many times SQLite called this for the same lock before
     * @return 0 to give up (the statement fails with SQLITE_BUSY), else try again
     */
    @Override
    protected int callback(int previous) {
        long now = System.nanoTime();
        if (previous == 0) {
            startedAt = now;
        }
        long end = startedAt + timeoutNanos;
        if (hasDeadline && deadline - end < 0) {
            end = deadline;
        }
        long left = end - now;
        if (left <= 0) {
            return 0;
        }
        long elapsed = now - startedAt;
        long step = elapsed < TimeUnit.MILLISECONDS.toNanos(1) ? 20_000L
                : elapsed < TimeUnit.MILLISECONDS.toNanos(5) ? 200_000L : 1_000_000L;
        // park returns at once while the interrupt flag is set: clear it for the park, so this never spins
        boolean interrupted = Thread.interrupted();
        LockSupport.parkNanos(this, Math.min(step, left));
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 1;
    }
}
