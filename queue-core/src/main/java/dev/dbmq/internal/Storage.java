package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.SelectForUpdateStep;

/**
 * A backend's storage and claims: its {@link Database} (connections and transactions) and the statements that differ
 * per database (the claim, the insert fast path, the transactional enqueue). Statements that are the same on every
 * database are in {@link TaskStore}. What producers ({@code TaskQueue}) and claims ({@code Claimer}) use.
 *
 * <p>Thread-safe: producers, the foreman thread and worker threads call it at once.
 */
public interface Storage {

    /** Connections and transactions. */
    Database database();

    /**
     * Inserts one task without a key in the transaction {@code dsl} is in (one of {@link #database()}'s); returns its
     * id. (A task with a key takes {@link TaskStore#insertKeyed}, the same on every database.)
     */
    default long insert(DSLContext dsl, String taskName, String args, String metadata, long createdAt, long dueAt,
                        int priority) {
        return TaskStore.insert(dsl, taskName, args, metadata, createdAt, dueAt, priority);
    }

    /**
     * Inserts one task without a key and commits it before returning; returns its id. With {@code claimFor}, the same
     * transaction claims it too ({@link #insertClaimed}): a foreman of this JVM takes it from the producer. By default
     * a transaction of its own; SQLite shares one among producer threads that call at once (SQLite's
     * {@code GroupCommit}), since it has one writer at a time anyway.
     */
    default long enqueue(String taskName, String args, String metadata, long createdAt, long dueAt, int priority,
                         Handoff claimFor) {
        if (claimFor == null) {
            return database().autocommit(dsl -> insert(dsl, taskName, args, metadata, createdAt, dueAt, priority));
        }
        return database().transaction(dsl -> insertClaimed(dsl, taskName, args, metadata, createdAt, dueAt, priority,
                claimFor));
    }

    /**
     * A hand-over's write, in the transaction {@code dsl} is in: the task is claimed as it is written, so where the
     * database can give it an id without a row ({@link #reserveTaskId}) no row is written, else its row is inserted
     * and claimed ({@link #claimInserted}); then the hand-over records it as running ({@link Handoff#claimed}).
     * Returns its id.
     */
    default long insertClaimed(DSLContext dsl, String taskName, String args, String metadata, long createdAt,
                               long dueAt, int priority, Handoff claimFor) {
        Long reserved = reserveTaskId(dsl);
        long id = reserved != null ? reserved : insert(dsl, taskName, args, metadata, createdAt, dueAt, priority);
        if (reserved == null) {
            claimInserted(dsl, id);
        }
        claimFor.claimed(dsl, new TaskStore.Row(id, taskName, args, createdAt, dueAt, 1, null, null, metadata,
                priority, null)); // a hand-over is never of a type with limits (Claimer)
        return id;
    }

    /** Records claimed tasks as running on {@code foremanId} ({@link RunningStore#record}), in dsl's transaction. */
    default void recordRunning(DSLContext dsl, List<RunningStore.Entry> entries, String foremanId, long startedAt) {
        RunningStore.record(dsl, entries, foremanId, startedAt);
    }

    /** Clears the records in these slots of {@code foremanId}: their attempts ended ({@link RunningStore#clear}). */
    default void clearRunning(DSLContext dsl, String foremanId, java.util.Collection<Integer> slots) {
        RunningStore.clear(dsl, foremanId, slots);
    }

    /**
     * Whether a producer of this JVM may hand a task due now straight to an idle foreman of this JVM ({@link Handoff}):
     * SQLite yes; PostgreSQL no, as its insert trigger notifies every foreman anyway, so each hand-over would still
     * cost the foremen an empty claim.
     */
    default boolean handsOver() {
        return false;
    }

    /**
     * Claims the task this transaction just inserted, for a hand-over ({@link Handoff}): deletes its row, so it is
     * claimed when the insert commits, at most once, as by {@link #claim}.
     */
    default void claimInserted(DSLContext dsl, long id) {
        if (!TaskStore.cancel(dsl, id)) {
            throw new IllegalStateException("task " + id + " inserted by this transaction is not there to claim");
        }
    }

    /**
     * A new task id, in the transaction {@code dsl} is in, for a task claimed as it is written (a hand-over) whose row
     * then need not be written at all: an id no task has or will have. Null where the database can't give one without
     * a row (then the task's row is inserted and claimed, {@link #claimInserted}).
     */
    default Long reserveTaskId(DSLContext dsl) {
        return null;
    }

    /** Inserts tasks in order in the transaction {@code dsl} is in; returns their ids, ascending. */
    default List<Long> insertAll(DSLContext dsl, String taskName, List<String> args, String metadata, long createdAt,
                                 long dueAt, int priority) {
        return TaskStore.insertAll(dsl, taskName, args, metadata, createdAt, dueAt, priority);
    }

    /**
     * Inserts one task in the caller's own transaction {@code tx} (the application's context, not one of
     * {@link #database()}'s), so that it exists only if that transaction commits, and makes sure foremen are woken
     * when it does and not when it rolls back. {@code wakeAtCommit} is what wakes a foreman of this JVM or another
     * process; a backend runs it at commit when the database does not wake foremen by itself (SQLite: from the commit
     * hook, where nothing may touch the database), or not at all (PostgreSQL: the insert trigger's NOTIFY reaches
     * every foreman).
     *
     * @param txName the name of the caller's argument that {@code tx} stands for ({@code tx}, {@code connection}),
     *               for the refusal's message
     * @param key    the task's unique key, or null ({@link TaskStore#insert(DSLContext, String, String, String, long,
     *               long, int, String, String)})
     * @param limitKey its {@code Task.limitBy} key, or null
     * @throws IllegalArgumentException when tx is not a context on this database, naming txName and both databases;
     *                                  nothing is written
     */
    long insertInCallerTransaction(DSLContext tx, String txName, String taskName, String args, String metadata,
                                   long createdAt, long dueAt, int priority, String key, String limitKey,
                                   Runnable wakeAtCommit);

    /**
     * Deletes and returns up to {@code limit} of the tasks named {@code names} (null: any name), and at most
     * {@code caps.get(name)} of a name with a cap, due at
     * {@code nowMillis}, in claim order ({@link TaskStore#CLAIM_ORDER}), in one statement of the transaction {@code dsl} is in, so that a task is
     * claimed by exactly one caller, whatever other foremen do at the same time. Returned in any order; never more
     * than {@code limit} rows (the caller checks).
     */
    default List<TaskStore.Row> claim(DSLContext dsl, int limit, List<String> names,
                                      java.util.Map<String, Integer> caps, long nowMillis) {
        return TaskStore.claimQuery(claimForm(), dsl, limit, names, caps, nowMillis).fetch(TaskStore::row);
    }

    /**
     * Makes the concurrency limits of {@code names} (sorted) exclusive to this transaction until it ends, before it
     * counts their running tasks: two foremen's claims must not both count the same free places. By default nothing
     * (one writer at a time: SQLite).
     */
    default void lockLimits(DSLContext dsl, List<String> names) {
    }

    /**
     * Where concurrency limits are kept as places taken with {@code SKIP LOCKED} ({@link LimitPlaceStore}), so that
     * claims of a limited type need not take turns under {@link #lockLimits}: PostgreSQL's. By default none (null): one
     * writer at a time counts the running tasks exactly (SQLite).
     */
    default LimitPlaces limitPlaces() {
        return null;
    }

    /**
     * The earliest due time among pending tasks named {@code names}, epoch ms, or null when none is pending, in the
     * transaction {@code dsl} is in: after a claim that was not full, the foreman sleeps until then unless woken.
     */
    default Long nextDueAt(DSLContext dsl, List<String> names) {
        return TaskStore.nextDueAt(dsl, names);
    }

    /** Whether {@code lane} is paused, in the transaction {@code dsl} is in: read by every claim of a lane. */
    default boolean lanePaused(DSLContext dsl, String lane) {
        return LaneStore.paused(dsl, lane);
    }

    /**
     * The condition "the unique key starts with {@code prefix}" (ASCII, such as the reserved keys' {@code dbmq:}), in
     * the form this database serves best from the partial unique-key index. By default the range {@code unique_key >=
     * 'prefix' AND unique_key < 'prefix''} (the last character one up): exact where text compares by code point, as
     * SQLite's BINARY collation does, and one range of the index.
     */
    default Condition keyStartsWith(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        String after = prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
        return DBMQ_TASK.UNIQUE_KEY.ge(prefix).and(DBMQ_TASK.UNIQUE_KEY.lt(after));
    }

    /**
     * Moves the kept failed tasks matching back into the queue, each as a new task due at once (new id, its args and
     * metadata, no key), all or none; returns how many. On PostgreSQL one statement (a DELETE … RETURNING feeding the
     * INSERT); on SQLite, which has no DML in a WITH, an INSERT … SELECT and a DELETE of the same rows in one write
     * transaction, which no other writer can enter in between.
     */
    int requeueFailed(DSLContext dsl, Condition matching, long nowMillis);

    /**
     * Whether one foreman at a time runs on this database (SQLite: the foreman lock), so a starting foreman finds
     * every other's records left by one that is gone, and none can go while it runs.
     */
    default boolean oneForemanAtATime() {
        return false;
    }

    /** How this database's claims are bounded and kept apart; see {@link ClaimForm}. */
    ClaimForm claimForm();

    /**
     * The two parts of "delete the oldest n tasks" that differ per database: {@code DELETE FROM dbmq_task WHERE
     * idIn(claimable(SELECT id … ORDER BY id LIMIT n)) RETURNING …} ({@link TaskStore#claimQuery}). Together they
     * must bound the delete to the ids the sub-select picks, under any plan, and keep two concurrent claims from
     * taking one task.
     */
    interface ClaimForm {
        /** One sub-select of the oldest ids, made safe against concurrent claimers (e.g. FOR UPDATE SKIP LOCKED). */
        <R extends Record> Select<R> claimable(SelectForUpdateStep<R> oldest);

        /** The delete's condition: the ids {@code ids} returns, evaluated once, and no others. */
        Condition idIn(Select<Record1<Long>> ids);

        /**
         * Whether a claim reads each priority of a name as a branch of its own: where a scan of
         * {@code priority IN (…)} would not come out in the index's order (PostgreSQL 15 sorts it), so that the
         * claim would read every due task of the name to sort them.
         */
        default boolean branchesPerPriority() {
            return false;
        }
    }

    /**
     * Every foreman's row ({@link ForemanRegistry}), oldest first, each with this backend's verdict on whether it is
     * alive, judged without a clock: SQLite by its foreman lock, PostgreSQL by each foreman's advisory lock.
     */
    List<ForemanRegistry.Row> foremen(DSLContext dsl);
}
