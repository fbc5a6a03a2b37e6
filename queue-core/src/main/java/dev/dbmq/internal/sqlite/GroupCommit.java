package dev.dbmq.internal.sqlite;

import dev.dbmq.DbmqException;
import dev.dbmq.internal.Database;
import dev.dbmq.internal.Handoff;
import dev.dbmq.internal.Storage;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of single enqueues: producer threads that enqueue at the same moment share one transaction (SQLite:
 * one write lock, one commit, and with synchronous=FULL one fsync) instead of queueing for one each. Every
 * {@link #insert} still returns only once its own row is committed, and throws if it was not.
 *
 * <p>Leader and followers, with no thread of its own. A producer that finds no batch being written is the leader: it
 * writes its row, alone, as the plain single-row transaction it always was, so a lone producer pays two uncontended
 * lock operations more than before. Producers that arrive while a batch is being written queue their rows and park.
 * When the leader's transaction has ended, it hands the lead to the first queued producer, which writes everything
 * queued by then (up to {@link #MAX_BATCH} rows) in one transaction, and so on; each writer unparks the producers
 * whose rows it wrote. A producer waits for at most the batch being written and its own.
 *
 * <p>A batch is one transaction, so it commits or fails whole: every producer in it gets the same error, and none of
 * its rows is written. Only when the error could belong to one row (a constraint, a row too big) are the rows then
 * written one by one, so that each producer gets its own outcome.
 *
 * <p>Threads: {@code lock} guards {@code writing} and {@code queued}; the leader alone, between taking and handing the
 * lead, runs the transaction and writes the outcome of the rows it took, publishing each by its volatile
 * {@code state}; a producer reads its own outcome only after seeing that state.
 */
final class GroupCommit {

    /** Most rows in one transaction: keeps each transaction, and the wait of the producers behind it, short. */
    static final int MAX_BATCH = 256;

    private static final int WAITING = 0;
    private static final int LEAD = 1;
    private static final int DONE = 2;

    private final Database database;
    private final Storage storage;
    private final LoneInsert alone;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private boolean writing;
    private final ArrayDeque<Row> queued = new ArrayDeque<>();

    /** A row written alone, in autocommit (SQLite's prepared INSERT, with no jOOQ context made); returns its id. */
    @FunctionalInterface
    interface LoneInsert {
        long insert(String taskName, String args, String metadata, long createdAt, long dueAt, int priority);
    }

    GroupCommit(Database database, Storage storage, LoneInsert alone) {
        this.database = database;
        this.storage = storage;
        this.alone = alone;
    }

    /** One producer's row; the outcome is written by the thread that wrote the batch, then {@code state} = DONE. */
    private static final class Row {
        final String taskName;
        final String args;
        final String metadata;
        final long createdAt;
        final long dueAt;
        final int priority;
        final Handoff claimFor; // and claim it in the same transaction for this hand-over, or null
        final Thread producer = Thread.currentThread();
        volatile int state = WAITING;
        long id;
        Throwable failure;

        Row(String taskName, String args, String metadata, long createdAt, long dueAt, int priority,
            Handoff claimFor) {
            this.taskName = taskName;
            this.args = args;
            this.metadata = metadata;
            this.createdAt = createdAt;
            this.dueAt = dueAt;
            this.priority = priority;
            this.claimFor = claimFor;
        }
    }

    /**
     * Inserts one task (with {@code claimFor}, and claims it: {@link Storage#enqueue}) in a transaction of its own
     * or shared with concurrent callers; returns once committed.
     */
    long insert(String taskName, String args, String metadata, long createdAt, long dueAt, int priority,
                Handoff claimFor) {
        Row mine = new Row(taskName, args, metadata, createdAt, dueAt, priority, claimFor);
        boolean lead;
        lock.lock();
        try {
            lead = !writing;
            if (lead) {
                writing = true;
            } else {
                queued.add(mine);
            }
        } finally {
            lock.unlock();
        }
        if (!lead && awaitTurn(mine) == DONE) {
            return outcome(mine, true);
        }
        lead(mine);
        return outcome(mine, false);
    }

    /** Rows waiting for a writer now: for tests. */
    int queued() {
        lock.lock();
        try {
            return queued.size();
        } finally {
            lock.unlock();
        }
    }

    /** Parks until a writer has written this row (DONE) or handed this producer the lead (LEAD). */
    private static int awaitTurn(Row mine) {
        boolean interrupted = false;
        int state;
        while ((state = mine.state) == WAITING) {
            LockSupport.park(mine);
            // park returns at once while the interrupt flag is set: clear it and restore it when we leave
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return state;
    }

    /** Writes this row and whatever is queued, then passes the lead on (or gives it up) and unparks the writers. */
    private void lead(Row mine) {
        List<Row> batch = new ArrayList<>();
        batch.add(mine);
        lock.lock();
        try {
            while (batch.size() < MAX_BATCH && !queued.isEmpty()) {
                batch.add(queued.poll());
            }
        } finally {
            lock.unlock();
        }
        try {
            write(batch);
        } finally {
            Row next;
            lock.lock();
            try {
                next = queued.poll();
                writing = next != null;
            } finally {
                lock.unlock();
            }
            if (next != null) {
                next.state = LEAD;
                LockSupport.unpark(next.producer);
            }
            for (int i = 1; i < batch.size(); i++) { // batch.get(0) is mine: this thread reads its outcome itself
                Row row = batch.get(i);
                row.state = DONE;
                LockSupport.unpark(row.producer);
            }
        }
    }

    private void write(List<Row> batch) {
        if (batch.size() == 1) {
            writeAlone(batch.get(0));
            return;
        }
        List<Long> ids;
        try {
            ids = database.transaction(dsl -> {
                List<Long> written = new ArrayList<>(batch.size());
                for (Row row : batch) {
                    written.add(insert(dsl, row));
                }
                return written;
            });
        } catch (Throwable e) {
            if (couldBelongToOneRow(e)) {
                batch.forEach(this::writeAlone);
            } else {
                batch.forEach(row -> row.failure = e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).id = ids.get(i);
        }
    }

    private void writeAlone(Row row) {
        try {
            row.id = row.claimFor != null ? database.transaction(dsl -> insert(dsl, row))
                    : alone.insert(row.taskName, row.args, row.metadata, row.createdAt, row.dueAt, row.priority);
        } catch (Throwable e) {
            row.failure = e;
        }
    }

    private long insert(org.jooq.DSLContext dsl, Row row) {
        return row.claimFor == null
                ? storage.insert(dsl, row.taskName, row.args, row.metadata, row.createdAt, row.dueAt, row.priority)
                : storage.insertClaimed(dsl, row.taskName, row.args, row.metadata, row.createdAt, row.dueAt,
                        row.priority, row.claimFor);
    }

    /** SQLite's CONSTRAINT and TOOBIG: a row's own fault, not the database's. */
    private static boolean couldBelongToOneRow(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                int primary = sql.getErrorCode() & 0xff;
                return primary == 19 || primary == 18;
            }
        }
        return false;
    }

    /**
     * The row's id, or its failure thrown: as it was when this thread wrote the row, or, written by another
     * producer's thread, wrapped in the same type so the stack shows this caller.
     */
    private static long outcome(Row row, boolean writtenByAnother) {
        Throwable failure = row.failure;
        if (failure == null) {
            return row.id;
        }
        if (!writtenByAnother) {
            throw rethrow(failure);
        }
        if (failure instanceof DbmqException) {
            throw new DbmqException(failure.getMessage(), failure);
        }
        if (failure instanceof IllegalStateException) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        throw rethrow(failure);
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new DbmqException(failure.toString(), failure); // a checked exception: not thrown by our statements
    }
}
