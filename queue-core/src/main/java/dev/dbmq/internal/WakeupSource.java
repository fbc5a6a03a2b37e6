package dev.dbmq.internal;

/** What wakes a foreman for producers in other processes: the wakeup directory (SQLite) or NOTIFY (PostgreSQL). */
public interface WakeupSource extends AutoCloseable {

    void start();

    /**
     * Whether the foreman holds its liveness lock, by which other foremen judge it alive (PostgreSQL: an advisory lock
     * on the LISTEN session, lost with it until it is opened again). A foreman claims only while it does: otherwise
     * another could settle the records of its tasks as those of a foreman that is gone.
     */
    default boolean holdsLiveness() {
        return true;
    }

    @Override
    void close();
}
