package dev.dbmq.spring;

import dev.dbmq.Enqueue;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.sql.Connection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Enqueues inside the caller's Spring transaction when there is one, on PostgreSQL: the task exists only if that
 * transaction commits, and the foremen are woken when it does (the insert's NOTIFY is delivered at commit). Outside a
 * transaction, or on SQLite, each enqueue is its own transaction, as {@link TaskQueue#enqueue} is.
 *
 * <pre>{@code
 * @Transactional
 * public void signUp(String email) {
 *     users.insert(email);
 *     tasks.enqueue(Tasks.WELCOME, new Welcome(email)); // rolled back with the insert
 * }
 * }</pre>
 *
 * <p>On SQLite the queue is a database of its own, so it can't share the application's transaction: the enqueue
 * commits at once, whatever that transaction does. That is allowed, so that an application developed on SQLite runs
 * the same code on PostgreSQL, and logged once at WARN (the first enqueue inside a transaction), so that nobody
 * counts on a rollback that can't happen. Thread-safe.
 */
public final class TransactionalTaskQueue {

    private static final Logger log = LoggerFactory.getLogger(TransactionalTaskQueue.class);

    private final TaskQueue queue;
    private final DataSource dataSource; // null on SQLite
    private final AtomicBoolean warnedOutsideTransaction = new AtomicBoolean();

    /**
     * @param dataSource the PostgreSQL queue's DataSource, whose Spring transactions enqueues join; null for a SQLite
     *                   queue
     */
    TransactionalTaskQueue(TaskQueue queue, DataSource dataSource) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.dataSource = dataSource;
    }

    /** Enqueues a task due at once; see the class comment for which transaction writes it. */
    public <A> long enqueue(Task<A> task, A args) {
        return enqueue(task, args, Enqueue.now());
    }

    /**
     * Enqueues a task due when {@code options} say; see the class comment for which transaction writes it.
     *
     * @return the task's id (meaningless if the caller's transaction rolls back)
     * @throws IllegalStateException when a Spring transaction is active but not on the queue's DataSource (it could
     *                               not roll the task back); nothing is written
     */
    public <A> long enqueue(Task<A> task, A args, Enqueue options) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            return queue.enqueue(task, args, options);
        }
        if (dataSource == null) {
            warnOnceNotInTransaction();
            return queue.enqueue(task, args, options);
        }
        if (!TransactionSynchronizationManager.hasResource(dataSource)) {
            throw new IllegalStateException("a Spring transaction is active, but not on the queue's DataSource, so a"
                    + " rollback could not undo this enqueue; enqueue on the queue's DataSource's transaction manager,"
                    + " or outside the transaction with TaskQueue.enqueue");
        }
        Connection connection = DataSourceUtils.getConnection(dataSource); // the transaction's own
        try {
            return queue.enqueue(connection, task, args, options);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource); // a no-op for the transaction's connection
        }
    }

    /** The queue itself, for what has no transactional variant (enqueueAll, stats, failed tasks). */
    public TaskQueue queue() {
        return queue;
    }

    private void warnOnceNotInTransaction() {
        if (warnedOutsideTransaction.compareAndSet(false, true)) {
            log.warn("TransactionalTaskQueue.enqueue ran inside a Spring transaction, but is not part of it: the queue"
                    + " is SQLite ({}), a database of its own, so the enqueue committed at once and a rollback of the"
                    + " transaction will not undo it. An enqueue that commits or rolls back with the application's"
                    + " transaction needs the queue on the application's PostgreSQL DataSource (dbmq.backend=postgres)."
                    + " Logged once.", queue.settings().databaseFile());
        }
    }
}
