package dev.dbmq.internal.postgres;

import dev.dbmq.internal.WakeTarget;
import dev.dbmq.internal.WakeupSource;
import dev.dbmq.internal.Wakeups;
import dev.dbmq.internal.WatchedThreads;
import java.time.Duration;

/**
 * PostgreSQL's wakeups: the insert trigger's NOTIFY reaches every foreman, each listening on a connection of its own.
 */
final class PostgresWakeups implements Wakeups {

    private final PostgresDatabase database;
    private final String schema;

    PostgresWakeups(PostgresDatabase database, String schema) {
        this.database = database;
        this.schema = schema;
    }

    @Override
    public String describe() {
        return "by NOTIFY " + PostgresListener.CHANNEL;
    }

    /** Nothing to do: the insert trigger's NOTIFY reaches every foreman. */
    @Override
    public void wakeOtherProcesses() {
    }

    /**
     * @throws IllegalStateException when the pool is known to be too small for LISTEN and claims (checked at open
     *                               too; its size may have changed since, through HikariCP's MXBean, say)
     */
    @Override
    public WakeupSource source(WakeTarget target, Duration recheck, String foremanId, int livenessKey,
                               WatchedThreads threads) {
        String tooSmall = PoolSize.refusal(database.dataSource(), "start a foreman");
        if (tooSmall != null) {
            throw new IllegalStateException(tooSmall);
        }
        return new PostgresListener(database.dataSource(), schema, target, recheck, foremanId, livenessKey,
                threads);
    }
}
