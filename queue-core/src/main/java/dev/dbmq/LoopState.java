package dev.dbmq;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The foreman loop's shared state, in one monitor: one method per transition, each naming the threads that call it.
 * Five kinds of thread meet here: the one foreman thread, workers (ending a task, claiming for themselves),
 * producers of this JVM (waking the loop, handing a task over), the wakeup watcher, and {@link Foreman#close()}.
 *
 * <p>The one rule that holds it together: one claim at a time ({@code claiming}), the foreman thread's or a
 * worker's, and only its holder takes slots for what it claimed. So claimed tasks never outnumber free workers, and
 * a crash loses at most {@code workers} tasks.
 *
 * <p>The foreman thread alone waits on {@code changed}; close() (and tests, through {@link #awaitNoClaim}) on
 * {@code commitDone}, which every claim's end signals; tests on {@code decided} ({@link #awaitDecided}).
 */
final class LoopState {

    private final int workerCount;
    private final boolean drainOnStop;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition commitDone = lock.newCondition();
    private final Condition decided = lock.newCondition();
    // Guarded by lock: the kind of step the foreman thread decided last, for tests to know it has seen a change.
    private NextStep.Kind lastDecided;

    // Guarded by lock. Taken by the claim holder and by producers' hand-overs; given back by workers and hand-overs.
    private int freeSlots;
    // Set by producers, the wakeup watcher and drain; cleared by whoever begins a claim. Also read without the lock
    // by wake(), to skip the lock when a wakeup is pending already.
    private volatile boolean wakePending;
    // Set by close(): requestStop, then abandon when the loop is stuck in a claim past the deadline.
    private boolean stopRequested;
    private long stopDeadline;
    private boolean abandoned;
    // The claim holder, from its last step before commit until its tasks are with the workers; close() waits for it.
    private boolean committing;
    // One claim at a time, the foreman thread's or a worker's: its holder alone dispatches.
    private boolean claiming;
    // The last claim was full: there may be more. Start-up drains the backlog before the first sleep.
    private boolean mayHaveMore = true;
    // Workers claim for themselves while busy; off after a worker's claim failed, until the foreman thread, with its
    // backoff, has claimed again.
    private boolean workerClaims = true;
    // A worker's claim was not full: the foreman thread goes idle for it (due times, counts, hand-overs, idle()).
    private boolean goIdle;
    private long goIdleAtMillis;
    private int goIdleRows;
    // Hand-overs: open while idle with nothing known to be waiting; until handoffUntil, if set.
    private boolean handoffOpen;
    private boolean hasHandoffUntil;
    private long handoffUntil;

    /**
     * Jobs given to the pool and not yet started, outside the lock: incremented by whoever submits a job, decremented
     * by the worker that starts it. A worker that ends its task while some wait leaves the claim to them.
     */
    final AtomicInteger queuedJobs = new AtomicInteger();

    // Foreman thread only: when to look next for tasks this foreman has no handler for (at once, at start), whether
    // that look left overdue ones to keep as failed, and when the earliest pending task is due (if hasNextDue). Read
    // by next() and openHandoffs(), on that thread.
    private long nextUnhandledCheck = System.nanoTime();
    private boolean sweepPending;
    private boolean hasNextDue;
    private long nextDueNanos;

    LoopState(int workerCount, boolean drainOnStop) {
        this.workerCount = workerCount;
        this.freeSlots = workerCount;
        this.drainOnStop = drainOnStop;
    }

    // ---- producers and the wakeup watcher

    /**
     * A task was committed: the loop claims once more after this. Coalesced: while a wakeup is pending, the loop has
     * yet to clear the flag, so it claims after this call, which comes after the caller's commit.
     */
    void wake() {
        if (wakePending) {
            return;
        }
        lock.lock();
        try {
            wakePending = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Producer: a slot for a hand-over, granted only while the loop is idle with nothing known to be waiting (its
     * last claim was not full, no wakeup is pending, no due time it sleeps for has come, no stop was asked for).
     */
    boolean reserveForHandoff() {
        lock.lock();
        try {
            if (!handoffOpen || wakePending || stopRequested || freeSlots == 0
                    || (hasHandoffUntil && System.nanoTime() - handoffUntil >= 0)) {
                return false;
            }
            freeSlots--;
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---- workers and producers

    /** A slot taken for a task that never ran (a cancelled hand-over, a job the pool refused or never started). */
    void releaseSlot() {
        lock.lock();
        try {
            freeSlots++;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Worker, its task ended: frees its slot and, while the queue is busy (the last claim was full, or a wakeup is
     * pending), begins a claim for the free slots itself. Not while a claim is under way, a stop was asked for, or a
     * job given to the pool waits to start: that job's worker claims when it ends, so one claim takes the slots of
     * tasks that end together instead of one claim per slot.
     *
     * @return how many tasks to claim, or 0: no claim (the foreman thread is signalled instead)
     */
    int endTaskAndBeginWorkerClaim(int batchSize) {
        lock.lock();
        try {
            freeSlots++;
            if (!workerClaims || claiming || stopRequested || !(mayHaveMore || wakePending) || queuedJobs.get() > 0) {
                changed.signal(); // the foreman thread may wait for this slot, or for counts to flush
                return 0;
            }
            claiming = true;
            wakePending = false; // cleared before the claim: a wakeup during it means one more claim
            handoffOpen = false;
            return Math.min(freeSlots, batchSize);
        } finally {
            lock.unlock();
        }
    }


    /** Worker, its claim threw: the foreman thread claims next, with its backoff. */
    void workerClaimFailed() {
        lock.lock();
        try {
            workerClaims = false;
        } finally {
            lock.unlock();
        }
    }

    // ---- the claim holder (the foreman thread or a worker)

    /**
     * The foreman thread's claim, inside its transaction, last step before commit: no commit once abandoned. A stop
     * alone does not refuse it: at a stop its tasks still reach the workers, which finish them gracefully.
     */
    boolean enterForemanCommit() {
        lock.lock();
        try {
            if (abandoned) {
                return false;
            }
            committing = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A worker's claim, inside its transaction: it commits unless a stop was asked for (the foreman drains). */
    boolean enterWorkerCommit() {
        lock.lock();
        try {
            if (stopRequested || abandoned) {
                return false;
            }
            committing = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Slots for {@code claimed} tasks: all of them unless a claim broke its bound; never more than are free. */
    int takeSlots(int claimed) {
        lock.lock();
        try {
            int take = Math.min(claimed, freeSlots);
            freeSlots -= take;
            return take;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The claim's end, on its holder's thread: whether it found the queue full (look again) or not; a claim that
     * threw counts as full (it may have left tasks). The foreman thread, woken, decides what follows.
     */
    void endClaim(boolean full, boolean foremanClaimed) {
        lock.lock();
        try {
            committing = false;
            commitDone.signalAll();
            claiming = false;
            mayHaveMore = full;
            if (foremanClaimed) {
                workerClaims = true; // the foreman's claim worked (after a worker's failed): workers may claim again
            }
            if (!full || stopRequested || !workerClaims || (freeSlots > 0 && queuedJobs.get() == 0)) {
                // The foreman thread goes idle, or stops, or claims for slots freed during this claim that no job
                // of it will claim for. A full claim with jobs to start needs nothing of it: no wakeup per claim.
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Worker, its claim's end ({@link #endClaim}); a claim that returned fewer rows than asked also has the foreman
     * thread go idle for it, in the same hold of the lock. Reported apart, before the claim's end, the report could be
     * seen while the claim still looked under way, and dropped as stale: the loop would then not go idle for it (no
     * due time read, no hand-overs opened, no idle event).
     */
    void endWorkerClaim(boolean full, long claimedAtMillis, int rows) {
        lock.lock();
        try {
            if (!full) {
                goIdle = true;
                goIdleAtMillis = claimedAtMillis;
                goIdleRows = rows;
            }
            endClaim(full, false);
        } finally {
            lock.unlock();
        }
    }

    // ---- the foreman thread

    /**
     * Foreman thread: decides its next step ({@link NextStep#decide}) and applies it, under one hold of the lock: a
     * claim begins (the wakeup flag cleared first, so a wakeup during the claim means one more; hand-overs closed),
     * a worker's report of going idle is consumed, or it waits for a signal or the step's time.
     *
     * @param idleLeftNanos idle time left before the backstop poll
     * @param yielded       whether it yielded once already in this wait
     * @param untilFlush    until counts are due to be flushed
     * @return the step; for {@link NextStep.Kind#WAIT_IDLE}, {@code waitNanos} is the idle time that passed
     */
    NextStep.Step next(long idleLeftNanos, boolean yielded, LongSupplier untilFlush) throws InterruptedException {
        lock.lock();
        try {
            NextStep.View view = new NextStep.View(stopRequested, stopDeadline, abandoned, drainOnStop, claiming,
                    mayHaveMore, wakePending, freeSlots, workerCount, queuedJobs.get() > 0, goIdle, goIdleAtMillis,
                    goIdleRows, nextUnhandledCheck, sweepPending, hasNextDue, nextDueNanos, idleLeftNanos, yielded,
                    untilFlush.getAsLong());
            NextStep.Step step = NextStep.decide(view, System.nanoTime());
            lastDecided = step.kind();
            decided.signalAll();
            switch (step.kind()) {
                case CLAIM, CLAIM_DUE, CLAIM_BACKSTOP -> {
                    wakePending = false;
                    handoffOpen = false;
                    claiming = true;
                }
                case GO_IDLE, DROP_STALE_IDLE -> goIdle = false;
                case WAIT -> changed.awaitNanos(step.waitNanos());
                case WAIT_IDLE -> {
                    long waited = step.waitNanos() - changed.awaitNanos(step.waitNanos());
                    return NextStep.Step.await(NextStep.Kind.WAIT_IDLE, waited);
                }
                default -> {
                }
            }
            return step;
        } finally {
            lock.unlock();
        }
    }

    /** Foreman thread, after its claim: a stop was asked for (nothing to go idle for: it stops, or drains on). */
    boolean stopRequested() {
        lock.lock();
        try {
            return stopRequested;
        } finally {
            lock.unlock();
        }
    }

    /** Foreman thread: the next look for unhandled names is due at this {@code nanoTime}. */
    void unhandledCheckAt(long nanos) {
        nextUnhandledCheck = nanos;
    }

    /** Foreman thread: whether tasks without a handler wait to be kept as failed ({@link NextStep.Kind#SWEEP}). */
    void sweepPending(boolean pending) {
        sweepPending = pending;
    }

    /** Foreman thread: the earliest pending task is due at this {@code nanoTime} ({@link DueTime#claimAt}). */
    void nextDueAt(long nanos) {
        hasNextDue = true;
        nextDueNanos = nanos;
    }

    /** Foreman thread: no due time to sleep for (none pending, or claiming on whatever was due). */
    void noNextDue() {
        hasNextDue = false;
    }

    /**
     * Foreman thread, going idle after a claim that was not full: hand-overs are welcome until something waits, or
     * the due time it sleeps for comes. Not when a claim has started since (a worker's), or found the queue full.
     */
    void openHandoffs() {
        lock.lock();
        try {
            if (claiming || mayHaveMore) {
                return;
            }
            handoffOpen = true;
            hasHandoffUntil = hasNextDue;
            handoffUntil = nextDueNanos;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Foreman thread: waits out a backoff; a stop request cuts it short.
     *
     * @return the time left: 0 once waited out or stopped; more when interrupted (the caller decides)
     */
    long awaitBackoff(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!stopRequested && left > 0) {
                left = changed.awaitNanos(left);
            }
            return 0;
        } finally {
            lock.unlock();
        }
    }

    // ---- close()

    /** Asks the loop to end: at once, or with drainOnStop once the queue is empty or the deadline passes. */
    void requestStop(long deadlineNanos) {
        lock.lock();
        try {
            stopRequested = true;
            stopDeadline = deadlineNanos;
            wakePending |= drainOnStop; // draining starts with a look at the queue, whatever we knew of it
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives up on the loop (it is still inside a claim past the deadline): a claim that has not committed yet will
     * roll back. A claim committing right now is waited for until {@code deadlineNanos}, as its tasks are being handed
     * to the workers.
     *
     * @return false when a commit was still in progress at the deadline
     */
    boolean abandon(long deadlineNanos) {
        lock.lock();
        try {
            stopRequested = true;
            abandoned = true;
            changed.signal();
            while (committing) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                commitDone.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !committing;
        } finally {
            lock.unlock();
        }
    }

    // ---- anyone: diagnostics

    /**
     * Waits until no claim is under way, at most {@code timeoutNanos}: for tests, which must know a claim has ended
     * before they let one of its tasks end (a task ending earlier rightly leaves the next claim to the foreman thread).
     *
     * @return false when a claim was still under way at the timeout
     */
    boolean awaitNoClaim(long timeoutNanos) throws InterruptedException {
        return awaitUntil(commitDone, () -> !claiming, timeoutNanos);
    }

    /** Waits on {@code condition} until {@code done} holds (read under the lock); false at the timeout. */
    private boolean awaitUntil(Condition condition, java.util.function.BooleanSupplier done, long timeoutNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                condition.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tests: waits until the foreman thread's last decided step is of this kind (a wait it could only decide after a
     * change, say).
     *
     * @return false at the timeout
     */
    boolean awaitDecided(NextStep.Kind kind, long timeoutNanos) throws InterruptedException {
        return awaitUntil(decided, () -> lastDecided == kind, timeoutNanos);
    }

    /**
     * Worker: the last job given to the pool has started. The foreman thread leaves a claim to a job's worker while
     * that job waits to start (it claims when its task ends, so tasks that end together share one claim); once every
     * job has started, its task may run for long, so a pending wakeup with free workers is the foreman thread's again.
     */
    void lastQueuedJobStarted() {
        lock.lock();
        try {
            if (freeSlots > 0 && (wakePending || mayHaveMore) && !claiming) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean claimUnderWay() {
        lock.lock();
        try {
            return claiming;
        } finally {
            lock.unlock();
        }
    }
}
