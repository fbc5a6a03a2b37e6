package dev.dbmq;

/**
 * Everything that differs between the databases dbmq runs on, behind one seam: {@link SqliteBackend} and
 * {@link PostgresBackend} (River's driver, Oban's engine, db-scheduler's JdbcCustomization). The engine
 * ({@link TaskQueue}, {@link Foreman}, {@link CallerThreadForeman}, {@link Claimer}, {@link TaskStore}) reaches a
 * database only through this, and never asks which one it is; {@link #open} is the one place that chooses.
 *
 * <p>A backend is three concerns, as Oban splits Engine, Notifier and Peer: {@link Storage} (connections,
 * transactions, the statements that differ), {@link Wakeups} (how producers in other processes wake foremen) and
 * {@link Exclusivity} (one foreman per database, or any number). Each user takes the concern it needs.
 * {@code BackendContract} is what a backend must pass; a third database would add one class here and one subclass of
 * that contract.
 *
 * <p>Thread-safe: producers, the foreman thread and worker threads call it at once.
 */
interface Backend extends AutoCloseable {

    /** Opens the backend these settings are for: creates or migrates the schema, checks what must hold. */
    static Backend open(QueueSettings settings) {
        return settings.dataSource() != null ? new PostgresBackend(settings) : new SqliteBackend(settings);
    }

    /**
     * The settings as this backend resolved them (SQLite: with the default wakeup directory filled in); what
     * {@link TaskQueue#settings()} returns.
     */
    QueueSettings settings();

    /**
     * Names the database within this JVM: queues with equal keys are on one database, so a producer of one wakes a
     * foreman of another directly ({@link LocalForemen}).
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
