package dev.dbmq;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/**
 * Wakes the foreman when an application's own SQLite transaction that enqueued a task commits, and not when it rolls
 * back: {@code enqueue(tx, …)} arms a commit listener on the transaction's connection, installed once per connection.
 *
 * <p>The listener runs inside SQLite's commit hook, just before the commit completes. That is safe because the foreman
 * claims under BEGIN IMMEDIATE: it waits for this writer's commit to finish, then sees the task.
 */
final class CommitWakeups {

    private final Map<SQLiteConnection, Listener> listeners = Collections.synchronizedMap(new WeakHashMap<>());
    private final Runnable wake;

    CommitWakeups(Runnable wake) {
        this.wake = wake;
    }

    /** Arms a wakeup for the next commit of this connection. */
    void arm(SQLiteConnection connection) {
        listeners.computeIfAbsent(connection, c -> {
            Listener l = new Listener();
            c.addCommitListener(l);
            return l;
        }).armed.set(true);
    }

    static SQLiteConnection unwrap(Connection connection) throws SQLException {
        return connection.isWrapperFor(SQLiteConnection.class) ? connection.unwrap(SQLiteConnection.class) : null;
    }

    private final class Listener implements SQLiteCommitListener {
        // Written by enqueuing threads (arm) and by the connection's committing thread.
        final AtomicBoolean armed = new AtomicBoolean();

        @Override
        public void onCommit() {
            if (armed.getAndSet(false)) {
                wake.run();
            }
        }

        @Override
        public void onRollback() {
            armed.set(false);
        }
    }
}
