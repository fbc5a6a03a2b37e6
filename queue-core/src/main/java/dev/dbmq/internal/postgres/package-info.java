/**
 * The PostgreSQL backend, for foremen on several hosts: not API. Its one public class is
 * {@link dev.dbmq.internal.postgres.PostgresBackend}.
 *
 * <p>{@code PostgresDatabase} (connections borrowed from the application's pool, one schema),
 * {@code PostgresStorage} ({@code FOR UPDATE SKIP LOCKED} claims), {@code PostgresWakeups} and
 * {@code PostgresListener} (LISTEN for the insert trigger's NOTIFY, on a connection of its own).
 */
package dev.dbmq.internal.postgres;
