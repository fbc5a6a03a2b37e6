package dev.dbmq;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.HistoryStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes history entries older than the queue's retention ({@link QueueSettings#history()}; zero: all of them) and
 * counts per minute older than {@link #MINUTES_KEPT}, run by a foreman's watch thread about once a second. In batches
 * of at most {@link HistoryStore#PRUNE_BATCH} rows, each its own short transaction, with a pause between them so a
 * claim waiting for SQLite's write lock gets it; at most {@link #BATCHES_PER_ROUND} batches a round, which keeps up
 * with twenty thousand finished attempts a second and lets a backlog (a retention shortened) go over a few minutes.
 * Never throws: a failure is logged at WARN once in a row, and the next round tries again.
 *
 * <p>Called only by the watch thread.
 */
final class HistoryPruning {

    private static final Logger log = LoggerFactory.getLogger(HistoryPruning.class);

    static final Duration MINUTES_KEPT = Duration.ofDays(1);
    static final int BATCHES_PER_ROUND = 20;
    static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final Database database;
    private final InstantSource clock;
    private final long retentionMillis;
    private long nextMinutesPrune; // epoch ms
    private boolean failing;

    HistoryPruning(Database database, InstantSource clock, Duration retention) {
        this.database = database;
        this.clock = clock;
        this.retentionMillis = retention.toMillis();
    }

    /** One round; returns how many entries it deleted. Never throws. */
    int run() {
        long now = clock.millis();
        int deleted = 0;
        try {
            for (int i = 0; i < BATCHES_PER_ROUND; i++) {
                if (i > 0) {
                    LockSupport.parkNanos(PAUSE_NANOS); // a claim waiting for the write lock gets it in between
                }
                int batch = database.autocommit(dsl -> HistoryStore.prune(dsl, now - retentionMillis));
                deleted += batch;
                if (batch < HistoryStore.PRUNE_BATCH) {
                    break;
                }
            }
            if (now >= nextMinutesPrune) {
                long minute = (now - MINUTES_KEPT.toMillis()) / 60_000;
                database.autocommit(dsl -> HistoryStore.pruneMinutes(dsl, minute));
                nextMinutesPrune = now + 60_000;
            }
            failing = false;
        } catch (Throwable t) {
            if (!failing) {
                log.warn("Cannot prune the history ({}); will try again each second", t.toString());
            }
            failing = true;
        }
        return deleted;
    }
}
