package dev.dbmq.internal.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/**
 * Wakes the foreman when an application's own SQLite transaction that enqueued a task commits, and not when it rolls
 * back: {@code enqueue(tx, …)} arms a commit listener on the transaction's connection, installed once per connection.
 *
 * <p>The listener runs inside SQLite's commit hook, just before the commit completes. That is safe because the foreman
 * claims under BEGIN IMMEDIATE: it waits for this writer's commit to finish, then sees the task.
 */
final class SqliteCommitWakeups {

    private final Map<SQLiteConnection, Listener> listeners = Collections.synchronizedMap(new WeakHashMap<>());

    /** Arms {@code wake} to run at the next commit of this connection, and not at a rollback. */
    void arm(SQLiteConnection connection, Runnable wake) {
        listeners.computeIfAbsent(connection, c -> {
            Listener l = new Listener();
            c.addCommitListener(l);
            return l;
        }).armed.set(wake);
    }

    static SQLiteConnection unwrap(Connection connection) throws SQLException {
        return connection.isWrapperFor(SQLiteConnection.class) ? connection.unwrap(SQLiteConnection.class) : null;
    }

    private final class Listener implements SQLiteCommitListener {
        // Written by enqueuing threads (arm) and by the connection's committing thread.
        final AtomicReference<Runnable> armed = new AtomicReference<>();

        @Override
        public void onCommit() {
            Runnable wake = armed.getAndSet(null);
            if (wake != null) {
                wake.run();
            }
        }

        @Override
        public void onRollback() {
            armed.set(null);
        }
    }
}
