package dev.dbmq.internal;

/** What wakes a foreman for producers in other processes: the wakeup directory (SQLite) or NOTIFY (PostgreSQL). */
public interface WakeupSource extends AutoCloseable {

    void start();

    @Override
    void close();
}
