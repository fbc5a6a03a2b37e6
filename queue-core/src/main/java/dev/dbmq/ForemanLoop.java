package dev.dbmq;

import dev.dbmq.internal.Durations;
import dev.dbmq.internal.Handoff;
import dev.dbmq.internal.WakeTarget;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreman's loop: wait for a free worker slot and a reason to look (a wakeup, a full previous claim, a due time,
 * or the backstop poll), claim at most as many tasks as there are free slots, hand each to a worker, repeat. This
 * class is the foreman thread's part ({@link #run()}) and the wiring; the parts:
 * <ul>
 *   <li>{@link LoopState}: the shared state, one method per transition, each naming its threads;</li>
 *   <li>{@link NextStep}: what the foreman thread does next, a pure function of that state and the time;</li>
 *   <li>{@link TaskDispatcher}: claimed tasks onto worker slots;</li>
 *   <li>{@link WorkerClaims}: workers claiming for themselves while the queue is busy;</li>
 *   <li>{@link Handoffs}: producers of this JVM handing a task straight to an idle foreman's worker;</li>
 *   <li>{@link DueTime}: when to claim a task that is due later;</li>
 *   <li>{@link Claims}: the database side.</li>
 * </ul>
 *
 * <p>Policy: it never claims more tasks than it has free workers, so every claimed task starts at once and a crash
 * loses at most the tasks running at that moment ({@code workers}). The price is throughput: with all workers busy
 * it claims in small batches as slots free up rather than in batches of {@code batchSize}. A full claim means "there
 * may be more": the loop looks again as soon as a slot is free, without waiting to be woken. While the queue is busy
 * the workers make those claims; the foreman thread claims when the queue wakes up from idle, at start, in a drain
 * at stop, and after a worker's claim failed; it goes idle after any claim that was not full.
 *
 * <p>Due times: after a claim that was not full the loop reads the earliest due time among the tasks still pending
 * ({@link Claims#nextDueAt()}), and sleeps until then unless woken: no polling for scheduled tasks. An enqueue of any
 * due time wakes it, and the claim that follows reads the new earliest due time, so a task due earlier than the one
 * it slept for is never missed; the backstop poll stays a backstop.
 *
 * <p>Wakeups cannot be lost: {@link #wake()} sets a flag that is cleared just before a claim begins, so a wakeup that
 * arrives while a claim runs makes the loop claim once more instead of sleeping. Many wakeups coalesce into one.
 *
 * <p>At start and every few minutes, busy or idle, it looks for tasks of names it has no handler for
 * ({@link Claims#checkUnhandled()}): it never claims those, and keeps them as failed only after unhandledTimeout.
 *
 * <p>It ends only when {@link #requestStop} asked it to. An interrupt, a failing database, a throwing listener or
 * anything else is logged and survived ("will keep running").
 *
 * <p>A claim that waits for the database (another process's write lock, a PostgreSQL table lock) may outlast
 * {@link Foreman#close()}. close() then {@link #abandon}s the loop, and the claim rolls back instead of committing
 * tasks that nobody would run; a claim already committing is waited for, so its tasks reach the workers before the
 * pool shuts down.
 */
final class ForemanLoop implements Runnable, WakeTarget {

    private static final Logger log = LoggerFactory.getLogger(ForemanLoop.class);

    private final String foremanId;
    private final Claims claims;
    private final TaskCounters counters;
    private final GuardedListener listener;
    private final int batchSize;
    private final long pollIntervalNanos;
    private final long unhandledCheckNanos;
    private final InstantSource clock;
    private final LoopState state;
    private final TaskDispatcher dispatcher;
    private final WorkerClaims workerClaims;
    private final Handoffs handoffs;
    /** Claims made by the foreman thread: for tests and diagnostics. */
    private final AtomicLong foremanClaims = new AtomicLong();
    // Loop thread only: whether the first claim is still to come, and since when (nanoTime) the tasks found due at
    // start are being cleared, or -1.
    private boolean firstClaim = true;
    private long backlogSince = -1;
    // Loop thread only: steps that failed in a row (an outage is one stack trace, then a line per retry).
    private int failedInARow;

    ForemanLoop(String foremanId, Claims claims, AttemptRunner runner, TaskCounters counters,
                GuardedListener listener, ExecutorService workers, int workerCount, int batchSize,
                long pollIntervalNanos, boolean drainOnStop, long unhandledCheckNanos, InstantSource clock) {
        this.foremanId = foremanId;
        this.claims = claims;
        this.counters = counters;
        this.listener = listener;
        this.batchSize = batchSize;
        this.pollIntervalNanos = pollIntervalNanos;
        this.unhandledCheckNanos = unhandledCheckNanos;
        this.clock = clock;
        this.state = new LoopState(workerCount, drainOnStop);
        this.workerClaims = new WorkerClaims(foremanId, state, claims, listener, batchSize);
        this.dispatcher = new TaskDispatcher(state, claims, runner, workers, workerClaims);
        this.handoffs = new Handoffs(state, claims, dispatcher);
    }

    /** Producers of this JVM and the wakeup watcher: a task was committed. Never blocks for long. */
    @Override
    public void wake() {
        state.wake();
    }

    /** A producer of this JVM: a worker slot to hand a task due now straight to, or null. See {@link Handoffs}. */
    @Override
    public Handoff reserve(String taskName, String args) {
        return handoffs.reserve(taskName, args);
    }

    /** close(): no new claims; at once, or with drainOnStop once the queue is empty or the deadline passes. */
    void requestStop(long deadlineNanos) {
        state.requestStop(deadlineNanos);
    }

    /**
     * close() gives up on the loop (it is still inside a claim past the deadline): see {@link LoopState#abandon}.
     *
     * @return false when a commit was still in progress at the deadline (its tasks may reach a shut pool; they are
     * then put back in the queue)
     */
    boolean abandon(long deadlineNanos) {
        return state.abandon(deadlineNanos);
    }

    /** close(), at a forced stop: jobs the pool never started; their slots go back. */
    List<ClaimedTask> forget(List<Runnable> neverStarted) {
        return dispatcher.forget(neverStarted);
    }

    Map<Long, String> running() {
        return dispatcher.running();
    }

    long handedOver() {
        return handoffs.handedOver();
    }

    long foremanClaims() {
        return foremanClaims.get();
    }

    long workerClaims() {
        return workerClaims.count();
    }

    boolean claimUnderWay() {
        return state.claimUnderWay();
    }

    /** For tests: see {@link LoopState#awaitDecided}. */
    boolean awaitDecided(NextStep.Kind kind, long timeoutNanos) throws InterruptedException {
        return state.awaitDecided(kind, timeoutNanos);
    }

    /** For tests: see {@link LoopState#awaitNoClaim}. */
    boolean awaitNoClaim(long timeoutNanos) throws InterruptedException {
        return state.awaitNoClaim(timeoutNanos);
    }

    @Override
    public void run() {
        long backoff = 0;
        while (true) {
            try {
                NextStep.Step next = awaitWork();
                switch (next.kind()) {
                    case STOP -> {
                        return;
                    }
                    case GO_IDLE -> goIdleAfter(next.claimedAtMillis(), next.rows());
                    case FLUSH_COUNTS -> counters.flush(false);
                    case CHECK_UNHANDLED -> {
                        state.unhandledCheckAt(System.nanoTime() + unhandledCheckNanos);
                        state.sweepPending(claims.checkUnhandled());
                    }
                    case SWEEP -> state.sweepPending(claims.sweepUnhandled());
                    default -> {
                        if (next.kind() == NextStep.Kind.CLAIM_BACKSTOP) {
                            log.debug("Foreman {}: backstop poll", foremanId);
                        }
                        claim(next.slots());
                        backoff = 0;
                    }
                }
            } catch (InterruptedException e) {
                // Only a stop ends the loop, and requestStop() is always seen before an interrupt matters.
                log.warn("Foreman {}: loop thread interrupted without a stop request; ignored, will keep running",
                        foremanId);
            } catch (Throwable t) {
                backoff = NextStep.backoffAfter(backoff);
                if (++failedInARow == 1) {
                    log.error("Foreman {}: claiming failed; will keep running, retrying in {}", foremanId,
                            Durations.format(Duration.ofNanos(backoff)), t);
                } else {
                    log.warn("Foreman {}: claiming failed again ({} in a row): {}; retrying in {}", foremanId,
                            failedInARow, t, Durations.format(Duration.ofNanos(backoff)));
                }
                listener.claimFailed(new ForemanEvent.ClaimFailed(foremanId, t, Duration.ofNanos(backoff)));
                awaitBackoff(backoff);
            }
        }
    }

    /** Until the next step that is not a wait: see {@link NextStep#decide}. */
    private NextStep.Step awaitWork() throws InterruptedException {
        long idleLeft = jittered(pollIntervalNanos);
        boolean yielded = false;
        while (true) {
            NextStep.Step step = state.next(idleLeft, yielded, counters::nanosUntilFlush);
            switch (step.kind()) {
                case WAIT, DROP_STALE_IDLE -> {
                }
                case WAIT_IDLE -> idleLeft -= step.waitNanos();
                case YIELD -> {
                    yielded = true;
                    Thread.yield();
                }
                default -> {
                    return step;
                }
            }
        }
    }

    /** The foreman thread's claim, for {@code freeSlots}, begun by {@link LoopState#next}. */
    private void claim(int freeSlots) {
        int want = Math.min(freeSlots, batchSize);
        Claims.Claim claim;
        boolean full = true; // a claim that throws may have left tasks: look again (after the backoff)
        boolean done = false;
        try {
            claim = claims.claim(want, state::enterForemanCommit);
            foremanClaims.incrementAndGet();
            if (failedInARow > 0) { // before the tasks run: what they do comes after the outage's end in the log
                log.info("Foreman {}: claiming works again, after {} failed attempts", foremanId, failedInARow);
                failedInARow = 0;
            }
            dispatcher.dispatch(claim.runnable(), false);
            full = claim.full(want);
            done = true;
            if (firstClaim) {
                firstClaim = false;
                if (full) {
                    backlogSince = System.nanoTime();
                    log.info("Foreman {}: tasks were due at start; clearing the backlog", foremanId);
                }
            }
        } finally {
            state.endClaim(full, done);
        }
        if (full) {
            state.noNextDue(); // claiming on, whatever was due
            counters.flush(false);
        } else if (!state.stopRequested()) {
            goIdleAfter(claim.nowMillis(), claim.rows());
        }
        // else stopping: no due time, hand-over or idle() to read or report. An abandoned claim ends after close()
        // returned, when the queue may be closed: a read then would only log a failure.
    }

    /** Foreman thread, after a claim (its own or a worker's) that was not full. */
    private void goIdleAfter(long claimedAtMillis, int rows) {
        // When the next pending task is due, read once the claimed tasks are with the workers.
        long nextDueAt = claims.nextDueAt();
        if (nextDueAt == Long.MAX_VALUE) {
            state.noNextDue();
        } else {
            state.nextDueAt(DueTime.claimAt(claimedAtMillis, nextDueAt, clock.instant(), System.nanoTime()));
        }
        // Forced only when the queue was found empty: a claim that found some tasks going idle happens once per task
        // in a trickle of enqueues, and a write there would be the write per task counting avoids.
        counters.flush(rows == 0);
        if (backlogSince >= 0) {
            log.info("Foreman {}: backlog cleared in {}: every task due at start has been claimed", foremanId,
                    Durations.format(Duration.ofNanos(System.nanoTime() - backlogSince)));
            backlogSince = -1;
        }
        if (!claims.paused()) { // a paused lane's idle workers are not offered to producers either
            state.openHandoffs();
        }
        listener.idle(new ForemanEvent.Idle(foremanId));
    }

    /** Waits out a backoff; a stop request cuts it short, an interrupt does not. */
    private void awaitBackoff(long nanos) {
        long left = nanos;
        while (left > 0) {
            try {
                left = state.awaitBackoff(left);
            } catch (InterruptedException e) {
                log.warn("Foreman {}: loop thread interrupted without a stop request; ignored, will keep running",
                        foremanId);
            }
        }
    }

    /** ±10%, so foremen sharing a database (PostgreSQL) don't poll in step. */
    private static long jittered(long nanos) {
        long tenth = nanos / 10;
        return tenth == 0 ? nanos : nanos - tenth + ThreadLocalRandom.current().nextLong(2 * tenth + 1);
    }
}
