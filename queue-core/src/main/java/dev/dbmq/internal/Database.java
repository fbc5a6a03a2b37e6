package dev.dbmq.internal;

import java.sql.Connection;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.conf.FetchTriggerValuesAfterReturning;
import org.jooq.conf.Settings;

/** Where the queue's tables live; all access to them goes through jOOQ on a {@link DSLContext} lent by this. */
public interface Database extends AutoCloseable {

    /**
     * jOOQ settings for the queue's statements on every database: a new object each call, as Settings' with-methods
     * mutate.
     */
    static Settings jooqSettings() {
        return new Settings()
                .withExecuteLogging(false) // jOOQ's DEBUG log would print bind values, i.e. task args
                .withRenderSchema(false)
                .withRenderCatalog(false)
                // Native INSERT … RETURNING (SQLite ≥ 3.35). jOOQ's default emulates it with a second SELECT of
                // last_insert_rowid(), which returns only the last id of a multi-row insert.
                .withFetchTriggerValuesAfterReturning(FetchTriggerValuesAfterReturning.NEVER);
    }

    /** Runs work whose statements each commit on their own (a single statement is one transaction). */
    <T> T autocommit(Function<DSLContext, T> work);

    /**
     * Runs work in one transaction that holds the write lock from its start (SQLite's BEGIN IMMEDIATE), so it never
     * reads a snapshot that a concurrent commit makes stale; rolled back when work throws.
     */
    <T> T transaction(Function<DSLContext, T> work);

    /**
     * As {@link #transaction}, but waits for the database (this JVM's other users, another process's write lock, a
     * lock on PostgreSQL) only until {@code deadlineNanos} ({@link System#nanoTime()}), then fails with a
     * {@link dev.dbmq.DbmqException}: for a stop that must not be held up by a busy database.
     */
    <T> T transactionBy(long deadlineNanos, Function<DSLContext, T> work);

    /**
     * A context with this database's dialect and settings on an {@link OfflineConnection}: its statements reach no
     * database, take no lock and borrow no connection. For first-use work away from the database
     * ({@code dev.dbmq.ForemanWarmUp}).
     */
    DSLContext offline();

    /**
     * A context with this database's dialect and settings on a connection the caller owns, for an enqueue in the
     * caller's transaction ({@code TaskQueue.enqueue(Connection, …)}). Only statements run on it: a jOOQ context on a
     * connection commits, rolls back, closes it or changes its autocommit mode only when asked for a transaction,
     * which dbmq never does on the caller's.
     */
    DSLContext onCallerConnection(Connection connection);

    /** The dbmq schema version found or migrated to when this opened, e.g. "2". */
    String schemaVersion();

    /** A human-readable name for messages, e.g. the file. */
    String describe();

    @Override
    void close();
}
