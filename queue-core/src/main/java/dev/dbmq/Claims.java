package dev.dbmq;

import dev.dbmq.internal.TaskStore;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The foreman loop's side of the database: claiming tasks, putting back those that never started, and the reads that
 * tell it when to look next. {@link Claimer} is the one implementation; the loop's tests use a scripted fake, so the
 * loop's rules are tested without a database.
 *
 * <p>Called by the foreman thread and by workers claiming for themselves, one claim at a time; {@link #giveBack} and
 * {@link #decodeForHandoff} also by producers handing a task over.
 */
interface Claims {

    /**
     * @param rows      how many tasks were claimed; a full claim ({@link #full}) means there may be more
     * @param runnable  the claimed tasks that can run (rejected ones were kept as failed in the claim's transaction)
     * @param nowMillis the time the claim took due tasks at, by the queue's clock
     * @param shortOfRecords the claim asked for fewer than its limit, for want of record slots, and took all it asked
     */
    record Claim(int rows, List<ClaimedTask> runnable, long nowMillis, boolean shortOfRecords) {

        /** A claim that asked for every task it was given the limit of. */
        Claim(int rows, List<ClaimedTask> runnable, long nowMillis) {
            this(rows, runnable, nowMillis, false);
        }

        /**
         * Whether there may be more to claim: it took {@code limit} tasks, or it asked for fewer because fewer record
         * slots were free than workers (a flush clearing the records of ended attempts holds theirs for a moment,
         * and lanes share the foreman's slots) and found as many as it asked for.
         */
        boolean full(int limit) {
            return rows >= limit || shortOfRecords;
        }
    }

    /** A task's handler and decoded args, before its row exists: a hand-over ({@code Handoff}). */
    record Decoded(Handlers.Registration<?> registration, Object args) {
        ClaimedTask claimed(TaskStore.Row row, int slot) {
            return new ClaimedTask(row, registration, args, slot);
        }
    }

    /**
     * Claims up to {@code limit} due tasks in one transaction.
     *
     * @param mayCommit asked inside the transaction, just before it commits; when it says no (the foreman stopped
     *                  while this claim waited for the database), the claim rolls back and returns nothing, so no
     *                  task is taken that nobody would run
     */
    Claim claim(int limit, BooleanSupplier mayCommit);

    /** Puts claimed tasks that never started back in the queue; logs them as lost if it can't. Never throws. */
    void giveBack(List<ClaimedTask> unstarted, String why);

    /**
     * The earliest due time among the pending tasks this foreman handles, epoch ms, or {@link Long#MAX_VALUE} (none, or
     * the lane is paused).
     */
    long nextDueAt();

    /** Whether the last claim found its lane paused: then it claimed nothing, and no task may be handed over. */
    default boolean paused() {
        return false;
    }

    /**
     * Looks for pending tasks of names this foreman has no handler for. Never throws.
     *
     * @return whether some are older than unhandledTimeout: {@link #sweepUnhandled} has work
     */
    boolean checkUnhandled();

    /**
     * Keeps one bounded batch of the tasks the last look found older than unhandledTimeout as failed. Never throws.
     *
     * @return whether more may remain (false after a failure too: the next look starts again)
     */
    boolean sweepUnhandled();

    /**
     * A hand-over's part in the records of running attempts ({@link RunningRecords}): a record slot leased when the
     * worker slot is reserved (null: the foreman keeps no records), written by the hand-over's transaction
     * ({@link #recordHandedOver}, run again if that transaction is tried again), and ended by
     * {@link #endHandoffLease} with whether it committed.
     */
    default RunningRecords.Lease leaseForHandoff() {
        return null;
    }

    default void recordHandedOver(org.jooq.DSLContext dsl, ClaimedTask task) {
    }

    default void endHandoffLease(RunningRecords.Lease lease, boolean committed) {
    }

    /** The handler and decoded args for a task a producer wants to hand over, or null when it can't be. */
    Decoded decodeForHandoff(String taskName, String args);
}
