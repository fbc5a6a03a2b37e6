/**
 * The seam between dbmq's engine ({@code dev.dbmq}) and the databases: not API, public only so that the backends'
 * packages can implement it; may change in any release.
 *
 * <p>{@link dev.dbmq.internal.Backend} is everything that differs between databases, in three concerns, as Oban splits
 * Engine, Notifier and Peer: {@link dev.dbmq.internal.Storage} (connections and transactions, the claim's form, the
 * insert fast path, the transactional enqueue), {@link dev.dbmq.internal.Wakeups} (how producers in other processes
 * wake a foreman, and the {@link dev.dbmq.internal.WakeupSource} a foreman listens to) and
 * {@link dev.dbmq.internal.Exclusivity} (one foreman per database, or any number). Beside them:
 * {@link dev.dbmq.internal.Database} (a jOOQ context lent for autocommit work or a transaction),
 * {@link dev.dbmq.internal.TaskStore} (the statements that are the same on every database),
 * {@link dev.dbmq.internal.WakeTarget} and {@link dev.dbmq.internal.Handoff} (a producer of this JVM waking a foreman,
 * or handing it a task), {@link dev.dbmq.internal.WatchedThreads} (the foreman's threads, whose death it reports),
 * {@link dev.dbmq.internal.OfflineConnection} (first-use work away from the database),
 * {@link dev.dbmq.internal.StoredText} (text the databases store as given: refused, or repaired where dbmq writes it)
 * and {@link dev.dbmq.internal.JooqBanner}.
 *
 * <p>The implementations: {@code dev.dbmq.internal.sqlite} and {@code dev.dbmq.internal.postgres}. This package names
 * neither, and neither names the other.
 */
package dev.dbmq.internal;
