/**
 * The embedded SQLite backend, dbmq's default: not API. Its one public class is
 * {@link dev.dbmq.internal.sqlite.SqliteBackend}.
 *
 * <p>{@code SqliteDatabase} (one connection per queue, lent to one thread at a time, created from
 * {@code SqliteTemplate} or migrated), {@code SqliteBusyWait} (waiting for another process's write lock),
 * {@code SqliteStatements} and {@code SqliteStatementCache} (the hot statements, rendered at build time and prepared
 * once), {@code SqliteStorage} and {@code GroupCommit} (producers of this JVM sharing one transaction),
 * {@code SqliteCommitWakeups} (a wakeup when the application's own transaction that enqueued commits),
 * {@code SqliteForemanLock} (one foreman per database: an OS file lock), {@code SqliteWakeups},
 * {@code SqliteWakeupDirectory} and {@code SqliteWakeupWatcher} (producers in other processes waking the foreman
 * through a directory it watches).
 */
package dev.dbmq.internal.sqlite;
