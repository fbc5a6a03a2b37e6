package dev.dbmq.internal;

import java.time.Duration;

/**
 * How a backend's foremen are woken by producers in other processes: SQLite's wakeup directory, PostgreSQL's
 * LISTEN/NOTIFY. (Producers of the same JVM wake its foreman directly, through {@code dev.dbmq.LocalForemen}, on
 * any backend.)
 */
public interface Wakeups {

    /** For the foreman's start line: how it is woken, e.g. "from /data/queue.db-wakeup". */
    String describe();

    /**
     * After a commit of tasks, when no foreman of this JVM was woken directly: wakes foremen in other processes where
     * the database does not (SQLite: a file in the wakeup directory). Called on the producer's thread, after the
     * commit; must not block.
     */
    void wakeOtherProcesses();

    /**
     * What wakes a foreman when producers in other processes commit tasks (SQLite: the wakeup directory watched;
     * PostgreSQL: LISTEN for the insert trigger's NOTIFY), not started yet. Its thread comes from {@code threads}.
     *
     * @param recheck     how often it checks on its own that nothing was missed (the foreman's pollInterval)
     * @param livenessKey the foreman's {@link ForemanRegistry} lock key: PostgreSQL holds its advisory lock on the
     *                    LISTEN session, so that the foreman counts as alive exactly while that session lives; 0
     *                    for none (SQLite's foreman lock says who is alive)
     */
    WakeupSource source(WakeTarget target, Duration recheck, String foremanId, int livenessKey,
                        WatchedThreads threads);
}
