package dev.dbmq;

import java.util.function.Function;
import org.jooq.DSLContext;

/** Where the queue's tables live; all access to them goes through jOOQ on a {@link DSLContext} lent by this. */
interface Database extends AutoCloseable {

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
     * {@link DbmqException}: for a stop that must not be held up by a busy database.
     */
    <T> T transactionBy(long deadlineNanos, Function<DSLContext, T> work);

    /**
     * A context with this database's dialect and settings on an {@link OfflineConnection}: its statements reach no
     * database, take no lock and borrow no connection. For first-use work away from the database
     * ({@link ForemanWarmUp}).
     */
    DSLContext offline();

    /** The dbmq schema version found or migrated to when this opened, e.g. "2". */
    String schemaVersion();

    /** A human-readable name for messages, e.g. the file. */
    String describe();

    @Override
    void close();
}
