package dev.dbmq.internal;

import java.nio.file.Path;

/**
 * Everything that differs between the databases dbmq runs on, behind one seam: {@code dev.dbmq.internal.sqlite}'s
 * {@code SqliteBackend} and {@code dev.dbmq.internal.postgres}'s {@code PostgresBackend} (River's driver, Oban's
 * engine, db-scheduler's JdbcCustomization). The engine in {@code dev.dbmq} ({@code TaskQueue}, the foremen, the
 * claimer) reaches a database only through this package, and never asks which one it is; {@code TaskQueue}'s
 * constructor is the one place that chooses.
 *
 * <p>A backend is three concerns, as Oban splits Engine, Notifier and Peer: {@link Storage} (connections,
 * transactions, the statements that differ), {@link Wakeups} (how producers in other processes wake foremen) and
 * {@link Exclusivity} (one foreman per database, or any number). Each user takes the concern it needs.
 * {@code BackendContract} is what a backend must pass; a third database would add one package beside the two and one
 * subclass of that contract.
 *
 * <p>Thread-safe: producers, the foreman thread and worker threads call it at once.
 */
public interface Backend extends AutoCloseable {

    /**
     * Where producers in other processes wake this database's foremen: SQLite's wakeup directory, the default resolved
     * when the settings left it out; null on PostgreSQL. {@code TaskQueue.settings()} reports it.
     */
    Path wakeupDirectory();

    /**
     * Names the database within this JVM: queues with equal keys are on one database, so a producer of one wakes a
     * foreman of another directly ({@code dev.dbmq.LocalForemen}).
     */
    String key();

    /** For messages: the file, or the PostgreSQL schema. */
    default String describe() {
        return storage().database().describe();
    }

    /** The line an opened queue logs at INFO: what an operator checks first. */
    String describeOpened();

    Storage storage();

    Wakeups wakeups();

    Exclusivity exclusivity();

    /** Closes the database; idempotent. Leaves what the application owns (a DataSource) alone. */
    @Override
    void close();
}
