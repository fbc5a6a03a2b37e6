package dev.dbmq;

import dev.dbmq.internal.ForemanRegistry;
import dev.dbmq.internal.Storage;
import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A foreman's row in {@code dbmq_foreman}, so that {@link TaskQueue#foremen()} shows it from any process: written
 * when it starts, its state written as it changes. Whether it is alive is never written: its backend judges that
 * ({@link Storage#foremen}). Only the start's write may fail the start; a later write that fails is logged and
 * otherwise ignored (a foreman must not stop working because a row about it could not be updated).
 *
 * <p>The later writes wait for a busy database only until a deadline: a stop or a dying thread must not be held up
 * by another process's write lock. A state that could not be written only misinforms, and briefly: a foreman that
 * ended is not alive, whatever its row says, and {@link TaskQueue#foremen()} lists only live ones. So the brief
 * STOPPING state is not written at all; a stopped foreman simply stops being alive.
 *
 * <p>Threads: {@link #register} on the starting thread; {@link #stopped} on close()'s; {@link #failed} on a dying
 * foreman thread.
 */
final class ForemanRegistration {

    private static final Logger log = LoggerFactory.getLogger(ForemanRegistration.class);

    /** How long a dying thread waits for the database to record the death. */
    static final Duration FAILED_WRITE_WAIT = Duration.ofSeconds(1);
    /** Rows of foremen that ended this long ago are deleted when a foreman starts. */
    static final Duration KEPT_AFTER_END = Duration.ofDays(7);

    private final Storage storage;
    private final InstantSource clock;
    private final String id;
    private final int lockKey;

    private ForemanRegistration(Storage storage, InstantSource clock, String id, int lockKey) {
        this.storage = storage;
        this.clock = clock;
        this.id = id;
        this.lockKey = lockKey;
    }

    /**
     * Writes the starting foreman's row, RUNNING, and deletes the rows of foremen that ended (or died) more than
     * {@link #KEPT_AFTER_END} ago.
     */
    static ForemanRegistration register(Storage storage, InstantSource clock, String id, int workers,
                                        List<String> handles) {
        long now = clock.millis();
        ProcessHandle self = ProcessHandle.current();
        Long processStartedAt = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(null);
        int lockKey = storage.database().transaction(dsl -> {
            List<String> ended = storage.foremen(dsl).stream()
                    .filter(r -> !r.alive() && endedAt(r) < now - KEPT_AFTER_END.toMillis())
                    .map(ForemanRegistry.Row::id).toList();
            ForemanRegistry.delete(dsl, ended);
            return ForemanRegistry.register(dsl, id, localHost(), self.pid(), processStartedAt, now, workers,
                    handles);
        });
        return new ForemanRegistration(storage, clock, id, lockKey);
    }

    /** When a foreman ended, for pruning: when it stopped, or (killed, never said) when it started. */
    private static long endedAt(ForemanRegistry.Row r) {
        return r.stoppedAt() != null ? r.stoppedAt() : r.startedAt();
    }

    /** This host's name, as foreman ids and rows carry it. */
    static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    /** The key of the foreman's liveness lock (PostgreSQL; 0 on SQLite). */
    int lockKey() {
        return lockKey;
    }

    /** close(): waits for the database until {@code deadlineNanos} at most. */
    void stopped(long deadlineNanos) {
        write(Foreman.State.STOPPED, clock.millis(), deadlineNanos);
    }

    /** A foreman thread died: waits for the database {@link #FAILED_WRITE_WAIT} at most. */
    void failed() {
        write(Foreman.State.FAILED, clock.millis(), System.nanoTime() + FAILED_WRITE_WAIT.toNanos());
    }

    private void write(Foreman.State state, Long endedAt, long deadlineNanos) {
        try {
            storage.database().transactionBy(deadlineNanos, dsl -> {
                ForemanRegistry.setState(dsl, id, state.name(), endedAt);
                return null;
            });
        } catch (Throwable t) {
            log.warn("Foreman {}: could not record its state {} in dbmq_foreman ({}); TaskQueue.foremen() may show"
                    + " the one before", id, state, t.toString());
        }
    }
}
