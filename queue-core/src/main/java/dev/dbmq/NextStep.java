package dev.dbmq;

/**
 * What the foreman thread does next: a pure function of what it sees ({@link View}, read under the loop's lock) and
 * the time. {@link LoopState#next} reads the view, asks {@link #decide}, applies the step's transition and, for a
 * wait, waits, all under one hold of the lock, so no signal falls between the decision and the wait.
 *
 * <p>The rules, in order: a stop ends the loop, after the claim under way and, with drainOnStop, once a claim finds
 * the queue empty or the deadline passes. The look for unhandled names comes every few minutes, busy or idle. A
 * worker's claim that was not full sends the foreman thread idle (unless a claim followed it). While a claim runs,
 * every worker is busy, or a job given to the pool waits to start (its worker claims when it ends), counts are
 * flushed and nothing is claimed. Otherwise it claims when there may be more (the last claim was full, or a wakeup
 * is pending), when the earliest due time has come, or when the backstop poll is up; else it keeps a batch of
 * overdue tasks without a handler as failed, if the last look found some, or waits, idle. Due work first: that sweep
 * never runs while a claim could.
 */
final class NextStep {

    /** At a stop, how often the foreman thread looks whether a worker's claim has ended (it is signalled too). */
    static final long STOP_POLL_NANOS = 10_000_000L;
    static final long FIRST_BACKOFF_NANOS = 100_000_000L;
    static final long MAX_BACKOFF_NANOS = 5_000_000_000L;

    enum Kind {
        STOP,
        /** Claim for {@link Step#slots()}: there may be more, or a drain at a stop. */
        CLAIM,
        /** Claim: the earliest due time has come, what an idle loop slept for. */
        CLAIM_DUE,
        /** Claim: idle for the poll interval, the backstop for a lost wakeup. */
        CLAIM_BACKSTOP,
        /** A worker's claim was not full: read the due time, flush counts, open hand-overs, report idle. */
        GO_IDLE,
        /** A worker's report of a claim that was not full, outdated by a claim since: dropped. */
        DROP_STALE_IDLE,
        FLUSH_COUNTS,
        CHECK_UNHANDLED,
        /**
         * Keep one batch of the tasks without a handler that the last look found overdue as failed: only when there
         * is no due work to claim, so a big such backlog never holds up due tasks.
         */
        SWEEP,
        /** Let workers that just ended their tasks free their slots first, so one claim takes them all. */
        YIELD,
        /** Wait for a signal or {@link Step#waitNanos()}; not idle time (busy, or stopping). */
        WAIT,
        /** Wait idle for a signal or {@link Step#waitNanos()}: the time counts toward the backstop poll. */
        WAIT_IDLE
    }

    /**
     * @param slots           free workers, for a claim
     * @param claimedAtMillis for {@link Kind#GO_IDLE}: the time the worker's claim took due tasks at
     * @param rows            for {@link Kind#GO_IDLE}: how many tasks it claimed
     */
    record Step(Kind kind, long waitNanos, int slots, long claimedAtMillis, int rows) {
        static final Step STOP = of(Kind.STOP);
        static final Step DROP_STALE_IDLE = of(Kind.DROP_STALE_IDLE);
        static final Step FLUSH_COUNTS = of(Kind.FLUSH_COUNTS);
        static final Step CHECK_UNHANDLED = of(Kind.CHECK_UNHANDLED);
        static final Step SWEEP = of(Kind.SWEEP);
        static final Step YIELD = of(Kind.YIELD);

        private static Step of(Kind kind) {
            return new Step(kind, 0, 0, 0, 0);
        }

        static Step claim(Kind why, int slots) {
            return new Step(why, 0, slots, 0, 0);
        }

        static Step await(Kind kind, long nanos) {
            return new Step(kind, nanos, 0, 0, 0);
        }

        static Step goIdle(long claimedAtMillis, int rows) {
            return new Step(Kind.GO_IDLE, 0, 0, claimedAtMillis, rows);
        }

        boolean isClaim() {
            return kind == Kind.CLAIM || kind == Kind.CLAIM_DUE || kind == Kind.CLAIM_BACKSTOP;
        }
    }

    /**
     * What the foreman thread sees. Times are {@link System#nanoTime()} values.
     *
     * @param claiming        a claim is under way (the foreman thread's or a worker's)
     * @param mayHaveMore     the last claim was full, or a worker's claim was refused at a stop
     * @param jobsWaiting     a job given to the pool has not started yet
     * @param goIdlePending   a worker's claim was not full ({@code goIdleAtMillis}, {@code goIdleRows})
     * @param sweepPending    the last look for unhandled names left overdue ones to keep as failed
     * @param idleLeftNanos   idle time left before the backstop poll
     * @param yielded         the foreman thread yielded once already in this wait
     * @param nanosUntilFlush until counts are due to be flushed; {@link Long#MAX_VALUE} with nothing to flush
     */
    record View(boolean stopRequested, long stopDeadline, boolean abandoned, boolean drainOnStop, boolean claiming,
                boolean mayHaveMore, boolean wakePending, int freeSlots, int workerCount, boolean jobsWaiting,
                boolean goIdlePending, long goIdleAtMillis, int goIdleRows, long nextUnhandledCheck,
                boolean sweepPending, boolean hasNextDue, long nextDueNanos, long idleLeftNanos, boolean yielded,
                long nanosUntilFlush) {

        /** There may be tasks to claim now: the last claim was full, or a wakeup came since it began. */
        boolean lookAgain() {
            return mayHaveMore || wakePending;
        }
    }

    private NextStep() {
    }

    static Step decide(View v, long now) {
        if (v.stopRequested()) {
            return whenStopping(v, now);
        }
        if (now - v.nextUnhandledCheck() >= 0) {
            return Step.CHECK_UNHANDLED; // a few minutes apart, busy or idle
        }
        if (v.goIdlePending()) {
            return v.claiming() || v.mayHaveMore() ? Step.DROP_STALE_IDLE : Step.goIdle(v.goIdleAtMillis(),
                    v.goIdleRows());
        }
        if (v.claiming() || v.freeSlots() == 0 || (v.jobsWaiting() && v.lookAgain())) {
            // A claim is under way, or every worker is busy, or a job given to the pool waits to start (its worker
            // claims when it ends; the last job's start signals this thread, as its task may run for long). Counts
            // are flushed meanwhile.
            if (v.nanosUntilFlush() <= 0) {
                return Step.FLUSH_COUNTS;
            }
            if (v.sweepPending() && !v.claiming() && !v.lookAgain()) {
                return Step.SWEEP; // every worker busy with what was claimed, nothing more known to be due
            }
            return Step.await(Kind.WAIT, Math.max(1, Math.min(v.nanosUntilFlush(), v.nextUnhandledCheck() - now)));
        }
        if (v.lookAgain() && v.freeSlots() < v.workerCount() && !v.yielded()) {
            // Woken by the first worker to free its slot, others that just finished are often runnable but not yet
            // scheduled (2 cores, many threads): let them release first, so one claim takes all their slots instead
            // of one claim per slot. Costs nothing when no thread is waiting to run.
            return Step.YIELD;
        }
        if (v.lookAgain()) {
            return Step.claim(Kind.CLAIM, v.freeSlots());
        }
        if (v.hasNextDue() && now - v.nextDueNanos() >= 0) {
            return Step.claim(Kind.CLAIM_DUE, v.freeSlots());
        }
        if (v.idleLeftNanos() <= 0) {
            return Step.claim(Kind.CLAIM_BACKSTOP, v.freeSlots());
        }
        // Idle. Counts of handlers that finished after the last claim are flushed within a second; the backstop poll
        // above goes first, so failing flushes can't starve it.
        if (v.nanosUntilFlush() <= 0) {
            return Step.FLUSH_COUNTS;
        }
        if (v.sweepPending()) {
            return Step.SWEEP;
        }
        long wait = Math.min(Math.min(v.idleLeftNanos(), v.nanosUntilFlush()), v.nextUnhandledCheck() - now);
        if (v.hasNextDue()) {
            wait = Math.min(wait, DueTime.waitFor(v.nextDueNanos() - now));
        }
        return Step.await(Kind.WAIT_IDLE, wait);
    }

    private static Step whenStopping(View v, long now) {
        if (v.abandoned()) {
            return Step.STOP;
        }
        if (v.claiming()) {
            // A worker's claim: it rolls back at the stop, or is committing and hands its tasks out first. The
            // claim's end and abandon() signal.
            return Step.await(Kind.WAIT, STOP_POLL_NANOS);
        }
        long left = v.stopDeadline() - now;
        if (!v.drainOnStop() || !v.lookAgain() || left <= 0) {
            return Step.STOP;
        }
        if (v.freeSlots() > 0) {
            return Step.claim(Kind.CLAIM, v.freeSlots()); // draining: claim until a claim is not full
        }
        return Step.await(Kind.WAIT, left);
    }

    /** How long to wait after a claim failed, given the wait after the failure before it (0: none failed). */
    static long backoffAfter(long previousNanos) {
        return previousNanos == 0 ? FIRST_BACKOFF_NANOS : Math.min(previousNanos * 2, MAX_BACKOFF_NANOS);
    }
}
