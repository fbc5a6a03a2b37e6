package dev.dbmq;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreman's loop: wait for a free worker slot and a reason to look (a wakeup, a full previous claim, or the
 * backstop poll), claim at most as many tasks as there are free slots, hand each to a worker, repeat.
 *
 * <p>While the queue is busy, workers claim for themselves (leader/follower, {@link #afterTask}): the worker whose task
 * ends claims for the free slots, runs the first task it claimed and gives the rest to the pool. The foreman thread
 * claims when the queue wakes up from idle, at start, in a drain at stop, and after a worker's claim failed; it goes
 * idle after any claim that was not full. One claim runs at a time ({@code claiming}), whoever makes it.
 *
 * <p>Policy: it never claims more tasks than it has free workers, so every claimed task starts at once and a crash
 * loses at most the tasks running at that moment ({@code workers}). The price is throughput: with all workers busy
 * it claims in small batches as slots free up rather than in batches of {@code batchSize}. A full claim means "there
 * may be more": the loop looks again as soon as a slot is free, without waiting to be woken.
 *
 * <p>Hand-overs (SQLite): while the loop is idle with nothing known to be waiting, a producer of this JVM may take a
 * free slot ({@link #reserve}), insert and claim its task in its own transaction, and start it on a worker: the
 * claim transaction and the hop through this thread are saved, and the slot count still bounds what is claimed.
 *
 * <p>Due times: after a claim that was not full the loop reads the earliest due time among the tasks still pending
 * ({@link Claims#nextDueAt()}), and sleeps until then unless woken: no polling for scheduled tasks.
 * An enqueue of any due time wakes it, and the claim that follows reads the new earliest due time, so a task due
 * earlier than the one it slept for is never missed; the backstop poll stays a backstop.
 *
 * <p>Wakeups cannot be lost: {@link #wake()} sets a flag that the loop clears just before it claims, so a wakeup that
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
 *
 * <p>Threads: {@link #run()} runs on the one foreman thread, which alone opens hand-overs and goes idle. The
 * holder of {@code claiming} (the foreman thread or one worker) alone decrements {@code freeSlots} for a claim,
 * sets {@code committing} and {@code mayHaveMore}; workers increment {@code freeSlots}; producers and the wakeup
 * watcher set {@code wakePending}, and producers take a slot for a hand-over; {@link Foreman#close()} sets
 * {@code stopRequested} and {@code abandoned}. All live under {@code lock}: the foreman thread alone waits on
 * {@code changed}, close() alone on {@code commitDone}.
 */
final class ForemanLoop implements Runnable, WakeTarget {

    private static final Logger log = LoggerFactory.getLogger(ForemanLoop.class);
    private static final long MAX_BACKOFF_NANOS = 5_000_000_000L;
    /** The last stretch before a due time, waited in slices of {@link #DUE_SLICE_NANOS} (see untilDue). */
    private static final long DUE_APPROACH_NANOS = 3_000_000L;
    private static final long DUE_SLICE_NANOS = 100_000L;
    /** At a stop, how often the foreman thread looks whether a worker's claim has ended (it is signalled too). */
    private static final long STOP_POLL_NANOS = 10_000_000L;

    /** What the loop does next, as {@link #awaitWork} decides. */
    private record Next(Kind kind, int freeSlots, long claimedAtMillis, int rows) {
        enum Kind { CLAIM, GO_IDLE, FLUSH_COUNTS, CHECK_UNHANDLED, STOP }

        static final Next FLUSH_COUNTS = new Next(Kind.FLUSH_COUNTS, 0, 0, 0);
        static final Next CHECK_UNHANDLED = new Next(Kind.CHECK_UNHANDLED, 0, 0, 0);
        static final Next STOP = new Next(Kind.STOP, 0, 0, 0);

        static Next claim(int freeSlots) {
            return new Next(Kind.CLAIM, freeSlots, 0, 0);
        }

        /** After a worker's claim that was not full: its time and rows. */
        static Next goIdle(long claimedAtMillis, int rows) {
            return new Next(Kind.GO_IDLE, 0, claimedAtMillis, rows);
        }
    }

    private final String foremanId;
    private final Claims claimer;
    private final AttemptRunner runner;
    private final TaskCounters counters;
    private final GuardedListener listener;
    private final ExecutorService workers;
    private final int workerCount;
    private final int batchSize;
    private final long pollIntervalNanos;
    private final boolean drainOnStop;
    private final long unhandledCheckNanos;
    private final InstantSource clock;
    // Foreman thread only: when to look next for tasks this foreman has no handler for (at once, at start).
    private long nextUnhandledCheck = System.nanoTime();
    // Foreman thread only: when the earliest pending task is due (System.nanoTime()), if hasNextDue.
    private boolean hasNextDue;
    private long nextDueNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition commitDone = lock.newCondition();
    // Guarded by lock.
    private int freeSlots;
    // Written under lock; also read without it by wake(), to skip the lock when a wakeup is pending already.
    private volatile boolean wakePending;
    private boolean stopRequested;
    private long stopDeadline;
    private boolean abandoned;
    private boolean committing;
    // One claim at a time, the foreman thread's or a worker's (see afterTask): its holder alone dispatches.
    private boolean claiming;
    // The last claim was full: there may be more. Start-up drains the backlog before the first sleep.
    private boolean mayHaveMore = true;
    // Workers claim for themselves while busy (see afterTask); off after a worker's claim failed, until the foreman
    // thread, with its backoff, has claimed again.
    private boolean workerClaims = true;
    // A worker's claim was not full: the foreman thread goes idle for it (due times, counts, hand-overs, idle()).
    private boolean goIdle;
    private long goIdleNowMillis;
    private int goIdleRows;
    // Hand-overs (see reserve): open while idle with nothing known to be waiting; until handoffUntil, if set.
    private boolean handoffOpen;
    private boolean hasHandoffUntil;
    private long handoffUntil;

    /** Tasks handed over by producers of this JVM (see reserve) and started: for tests and diagnostics. */
    private final AtomicLong handedOver = new AtomicLong();
    /** Claims made by the foreman thread and by workers (see afterTask): for tests and diagnostics. */
    private final AtomicLong foremanClaims = new AtomicLong();
    private final AtomicLong workerClaimCount = new AtomicLong();
    /** Jobs given to the pool and not yet started: a worker that ends its task while some wait leaves the claim to them. */
    private final AtomicInteger queuedJobs = new AtomicInteger();

    /** Running tasks, id to name: written by workers and the foreman thread, read for logs at stop. */
    private final Map<Long, String> running = new ConcurrentHashMap<>();

    ForemanLoop(String foremanId, Claims claimer, AttemptRunner runner, TaskCounters counters,
                GuardedListener listener, ExecutorService workers, int workerCount, int batchSize,
                long pollIntervalNanos, boolean drainOnStop, long unhandledCheckNanos, InstantSource clock) {
        this.foremanId = foremanId;
        this.claimer = claimer;
        this.runner = runner;
        this.counters = counters;
        this.listener = listener;
        this.workers = workers;
        this.workerCount = workerCount;
        this.freeSlots = workerCount;
        this.batchSize = batchSize;
        this.pollIntervalNanos = pollIntervalNanos;
        this.drainOnStop = drainOnStop;
        this.unhandledCheckNanos = unhandledCheckNanos;
        this.clock = clock;
    }

    @Override
    public void wake() {
        if (wakePending) {
            return; // coalesced: the loop has yet to clear the flag, so it claims after this call: after our commit
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
     * A producer of this JVM asks to hand a task due now straight to a worker (issue #13: no claim transaction, no hop
     * through this thread). Granted only while the loop is idle with nothing known to be waiting: its last claim was
     * not full, no wakeup is pending (from another process's producer, say), no due time it sleeps for has come, no
     * stop was asked for. So no older due task of this foreman's names is known to be queued, and taking the new one
     * first keeps the order of claims. The slot is taken here, so claimed tasks never outnumber workers and a crash
     * still loses at most {@code workers} of them.
     */
    @Override
    public Handoff reserve(String taskName, String args) {
        lock.lock();
        try {
            if (!handoffOpen || wakePending || stopRequested || freeSlots == 0
                    || (hasHandoffUntil && System.nanoTime() - handoffUntil >= 0)) {
                return null;
            }
            freeSlots--;
        } finally {
            lock.unlock();
        }
        Claims.Decoded decoded;
        try {
            decoded = claimer.decodeForHandoff(taskName, args);
        } catch (Throwable t) {
            decoded = null;
        }
        if (decoded == null) {
            releaseSlot();
            return null;
        }
        Claims.Decoded task = decoded;
        return new Handoff() {
            @Override
            public void start(TaskStore.Row row) {
                startHandedOver(task.claimed(row));
            }

            @Override
            public void cancel() {
                releaseSlot();
            }
        };
    }

    /** Producer's thread: a handed-over task, claimed by its enqueue's commit, onto its reserved slot. */
    private void startHandedOver(ClaimedTask task) {
        running.put(task.id(), task.name());
        try {
            submit(task);
            handedOver.incrementAndGet();
        } catch (RejectedExecutionException e) {
            // The pool shut after the slot was reserved (a stop): nothing ran; the task goes back in the queue.
            running.remove(task.id());
            releaseSlot();
            claimer.giveBack(List.of(task), "the foreman stopped while a producer handed the task over");
        } catch (Throwable t) {
            running.remove(task.id());
            releaseSlot();
            claimer.giveBack(List.of(task), "handing the task over failed: " + t);
        }
    }

    /**
     * Foreman thread, going idle after a claim that was not full: hand-overs are welcome until something waits. Not
     * when a claim has started since (a worker's, see afterTask), or found the queue full again.
     */
    private void openHandoffs() {
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
     * close() gives up on the loop (it is still inside a claim past the deadline): a claim that has not committed yet
     * will roll back. A claim committing right now is waited for until {@code deadlineNanos}, as its tasks are being
     * handed to the workers.
     *
     * @return false when a commit was still in progress at the deadline (its tasks may reach a shut pool; the loop
     * then puts them back in the queue)
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

    long handedOver() {
        return handedOver.get();
    }

    /** Claims made by the foreman thread, and by workers for themselves (see afterTask). */
    long foremanClaims() {
        return foremanClaims.get();
    }

    long workerClaims() {
        return workerClaimCount.get();
    }

    boolean claimUnderWay() {
        lock.lock();
        try {
            return claiming;
        } finally {
            lock.unlock();
        }
    }

    Map<Long, String> running() {
        return running;
    }

    @Override
    public void run() {
        log.info("Foreman {}: clearing the task backlog", foremanId);
        long backoff = 0;
        while (true) {
            try {
                Next next = awaitWork();
                if (next.kind() == Next.Kind.STOP) {
                    return;
                }
                if (next.kind() == Next.Kind.GO_IDLE) {
                    goIdleAfter(next.claimedAtMillis(), next.rows());
                    continue;
                }
                if (next.kind() == Next.Kind.FLUSH_COUNTS) {
                    counters.flush(false);
                    continue;
                }
                if (next.kind() == Next.Kind.CHECK_UNHANDLED) {
                    nextUnhandledCheck = System.nanoTime() + unhandledCheckNanos;
                    claimer.checkUnhandled();
                    continue;
                }
                int want = Math.min(next.freeSlots(), batchSize);
                Claims.Claim claim;
                boolean full = true; // a claim that throws may have left tasks: look again (after the backoff)
                boolean done = false;
                try {
                    claim = claimer.claim(want, this::enterCommit);
                    foremanClaims.incrementAndGet();
                    dispatch(claim.runnable(), false);
                    full = claim.rows() >= want;
                    done = true;
                } finally {
                    endClaim(full, done);
                }
                backoff = 0;
                if (full) {
                    hasNextDue = false; // claiming on, whatever was due
                    counters.flush(false);
                } else {
                    goIdleAfter(claim.nowMillis(), claim.rows());
                }
            } catch (InterruptedException e) {
                // Only a stop ends the loop, and requestStop() is always seen before an interrupt matters.
                log.warn("Foreman {}: loop thread interrupted without a stop request; ignored, will keep running",
                        foremanId);
            } catch (Throwable t) {
                backoff = backoff == 0 ? 100_000_000L : Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                log.error("Foreman {}: claiming failed; will keep running, retrying in {} ms", foremanId,
                        backoff / 1_000_000, t);
                listener.claimFailed(t);
                awaitBackoff(backoff);
            }
        }
    }

    /** Foreman thread, after a claim (its own or a worker's) that was not full. */
    private void goIdleAfter(long claimedAtMillis, int rows) {
        // When the next pending task is due, read once the claimed tasks are with the workers.
        planNextDue(claimedAtMillis, claimer.nextDueAt());
        // Forced only when the queue was found empty: a claim that found some tasks going idle happens once per task
        // in a trickle of enqueues, and a write there would be the write per task counting avoids.
        counters.flush(rows == 0);
        openHandoffs();
        listener.idle();
    }

    /**
     * The claim's end, on its holder's thread: whether it found the queue full (look again) or not; a claim that
     * threw counts as full (it may have left tasks). The foreman thread, woken, decides what follows an empty one.
     */
    private void endClaim(boolean full, boolean foremanClaimed) {
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
     * Foreman thread: when to claim next without a wakeup, from the earliest due time read after a claim. The
     * queue's clock is read to microseconds where it has them, so a task due at T ms is claimed just after T, not up
     * to 1 ms later.
     * A task that was due at the claim's time and still pending was not claimable (another PostgreSQL foreman's claim
     * holds it, or it committed between the claim and the look): look again in 1 ms, not in a busy loop.
     */
    private void planNextDue(long claimedAtMillis, long nextDueAt) {
        hasNextDue = nextDueAt != Long.MAX_VALUE;
        if (!hasNextDue) {
            return;
        }
        long nowNanos = System.nanoTime();
        if (nextDueAt <= claimedAtMillis) {
            nextDueNanos = nowNanos + 1_000_000L;
            return;
        }
        java.time.Instant now = clock.instant();
        long untilMillis = nextDueAt - now.getEpochSecond() * 1000;
        long untilNanos = untilMillis > Long.MAX_VALUE / 2_000_000 ? Long.MAX_VALUE / 2
                : untilMillis * 1_000_000L - now.getNano();
        nextDueNanos = nowNanos + Math.max(0, untilNanos);
    }

    /** The claim's last step before commit (foreman thread, inside the transaction): no commit once abandoned. */
    private boolean enterCommit() {
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

    /**
     * The claim holder's thread: claimed tasks onto free slots, to the pool. With {@code keepFirst} (a worker's own
     * claim, see afterTask) the first is returned instead, for the calling worker to run: no hop to another thread.
     */
    private ClaimedTask dispatch(List<ClaimedTask> tasks, boolean keepFirst) {
        int n = tasks.size();
        if (n == 0) {
            return null;
        }
        int take;
        lock.lock();
        try {
            take = Math.min(n, freeSlots); // n <= want <= free unless a claim broke its bound: never hand out more
            freeSlots -= take;
        } finally {
            lock.unlock();
        }
        claimer.giveBack(tasks.subList(take, n), "the claim returned more tasks than there were free workers");
        ClaimedTask kept = null;
        List<ClaimedTask> unstarted = new ArrayList<>();
        for (ClaimedTask task : tasks.subList(0, take)) {
            running.put(task.id(), task.name());
            if (keepFirst && kept == null) {
                kept = task;
                continue;
            }
            try {
                submit(task);
            } catch (RejectedExecutionException e) {
                // The pool is shut: close() stopped waiting for this claim's commit. Nothing ran.
                running.remove(task.id());
                releaseSlot();
                unstarted.add(task);
            }
        }
        claimer.giveBack(unstarted, "the foreman stopped while their claim committed");
        return kept;
    }

    /** A task, its slot taken, to the pool; counted in queuedJobs until a worker starts it. */
    private void submit(ClaimedTask task) {
        queuedJobs.incrementAndGet();
        try {
            workers.execute(new TaskJob(task));
        } catch (Throwable t) {
            queuedJobs.decrementAndGet();
            throw t;
        }
    }

    /** Jobs the pool never started (returned by shutdownNow at a forced stop): their slots go back. */
    List<ClaimedTask> forget(List<Runnable> neverStarted) {
        List<ClaimedTask> tasks = new ArrayList<>();
        for (Runnable r : neverStarted) {
            ClaimedTask task = ((TaskJob) r).task;
            running.remove(task.id());
            releaseSlot();
            tasks.add(task);
        }
        return tasks;
    }

    /** One claimed task on a worker thread; the pool hands never-started jobs back at a forced stop. */
    final class TaskJob implements Runnable {
        final ClaimedTask task;

        TaskJob(ClaimedTask task) {
            this.task = task;
        }

        @Override
        public void run() {
            queuedJobs.decrementAndGet();
            ClaimedTask next = task;
            while (next != null) {
                runOne(next);
                next = afterTask();
            }
        }
    }

    /** A worker: one task, its slot still held. */
    private void runOne(ClaimedTask task) {
        try {
            if (runner.run(task)) {
                wake(); // its next attempt is a task this loop has not seen: claim, and read the due times again
            }
        } catch (Throwable t) {
            // TaskRunner guards the handler and the listener; this is its own bookkeeping failing (the log, say)
            log.error("Task {} ({}): recording its outcome failed", ShortId.of(task.id()), task.name(), t);
        } finally {
            running.remove(task.id());
        }
    }

    /**
     * A worker whose task ended: frees its slot and, while the queue is busy (the last claim was full, or a wakeup is
     * pending), claims for the free slots itself and returns the first claimed task to run next (leader/follower,
     * issue #13): no hop to the foreman thread and back, and none to another worker for that first task. Only when no
     * claim is under way, no stop was asked, and no job given to the pool waits to start: that job's worker will
     * claim when it ends, so one claim takes the slots of tasks that end together instead of one claim per slot. The
     * slot count bounds this claim as it bounds the foreman thread's, so a crash still loses at most {@code workers}.
     *
     * @return the next task for this worker, or null to go back to the pool
     */
    private ClaimedTask afterTask() {
        int want;
        lock.lock();
        try {
            freeSlots++;
            if (!workerClaims || claiming || stopRequested || !(mayHaveMore || wakePending) || queuedJobs.get() > 0) {
                changed.signal(); // the foreman thread may wait for this slot, or for counts to flush
                return null;
            }
            claiming = true;
            wakePending = false; // cleared before the claim: a wakeup during it means one more claim
            handoffOpen = false;
            want = Math.min(freeSlots, batchSize);
        } finally {
            lock.unlock();
        }
        boolean full = true;
        ClaimedTask first = null;
        try {
            boolean[] refused = new boolean[1];
            Claims.Claim claim = claimer.claim(want, () -> enterWorkerCommit(refused));
            workerClaimCount.incrementAndGet();
            first = dispatch(claim.runnable(), true);
            full = refused[0] || claim.rows() >= want; // refused at a stop: tasks may be left for a drain
            if (!full) {
                lock.lock();
                try {
                    goIdle = true;
                    goIdleNowMillis = claim.nowMillis();
                    goIdleRows = claim.rows();
                } finally {
                    lock.unlock();
                }
            }
        } catch (Throwable t) {
            // Rolled back, nothing taken. The foreman thread claims next, with its backoff if the database is failing.
            log.warn("Foreman {}: a worker's claim failed ({}); the foreman thread will claim", foremanId,
                    t.toString());
            lock.lock();
            try {
                workerClaims = false;
            } finally {
                lock.unlock();
            }
            listener.claimFailed(t);
        } finally {
            endClaim(full, false);
        }
        return first;
    }

    /** A worker's claim, inside its transaction: it commits unless a stop was asked for (the foreman drains). */
    private boolean enterWorkerCommit(boolean[] refused) {
        lock.lock();
        try {
            if (stopRequested || abandoned) {
                refused[0] = true;
                return false;
            }
            committing = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void releaseSlot() {
        lock.lock();
        try {
            freeSlots++;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private Next awaitWork() throws InterruptedException {
        lock.lock();
        try {
            long idleNanos = jittered(pollIntervalNanos);
            boolean yielded = false;
            while (true) {
                if (stopRequested) {
                    long left = stopDeadline - System.nanoTime();
                    if (abandoned) {
                        return Next.STOP;
                    }
                    if (claiming) {
                        // A worker's claim: it rolls back at the stop, or is committing and hands its tasks out
                        // first. endClaim() and abandon() signal.
                        changed.awaitNanos(STOP_POLL_NANOS);
                        continue;
                    }
                    if (!drainOnStop || !(mayHaveMore || wakePending) || left <= 0) {
                        return Next.STOP;
                    }
                    if (freeSlots > 0) {
                        wakePending = false;
                        return claimNext();
                    }
                    changed.awaitNanos(left);
                } else if (System.nanoTime() - nextUnhandledCheck >= 0) {
                    return Next.CHECK_UNHANDLED; // a few minutes apart, busy or idle
                } else if (goIdle) {
                    goIdle = false;
                    if (!claiming && !mayHaveMore) {
                        return Next.goIdle(goIdleNowMillis, goIdleRows); // else stale: a claim followed it
                    }
                } else if (claiming || freeSlots == 0 || (queuedJobs.get() > 0 && (mayHaveMore || wakePending))) {
                    // A claim is under way, or every worker is busy, or a job given to the pool waits to start (its
                    // worker claims when it ends, see afterTask). Counts are flushed meanwhile.
                    long untilFlush = counters.nanosUntilFlush();
                    if (untilFlush <= 0) {
                        return Next.FLUSH_COUNTS;
                    }
                    changed.awaitNanos(Math.max(1, Math.min(untilFlush, nextUnhandledCheck - System.nanoTime())));
                } else if ((mayHaveMore || wakePending) && freeSlots < workerCount && !yielded) {
                    // Woken by the first worker to free its slot, others that just finished are often runnable but
                    // not yet scheduled (2 cores, many threads): let them release first, so one claim takes all
                    // their slots instead of one claim per slot. Costs nothing when no thread is waiting to run.
                    yielded = true;
                    lock.unlock();
                    try {
                        Thread.yield();
                    } finally {
                        lock.lock();
                    }
                } else if (mayHaveMore || wakePending) {
                    wakePending = false;
                    return claimNext();
                } else if (hasNextDue && System.nanoTime() - nextDueNanos >= 0) {
                    return claimNext(); // a task is due: what this loop slept for
                } else if (idleNanos <= 0) {
                    log.debug("Foreman {}: backstop poll", foremanId);
                    return claimNext();
                } else {
                    // Idle. Counts of handlers that finished after the last claim are flushed within a second;
                    // the backstop poll above goes first, so failing flushes can't starve it.
                    long untilFlush = counters.nanosUntilFlush();
                    if (untilFlush <= 0) {
                        return Next.FLUSH_COUNTS;
                    }
                    long nowNanos = System.nanoTime();
                    long wait = Math.min(Math.min(idleNanos, untilFlush), nextUnhandledCheck - nowNanos);
                    if (hasNextDue) {
                        wait = Math.min(wait, untilDue(nextDueNanos - nowNanos));
                    }
                    idleNanos -= wait - changed.awaitNanos(wait);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds lock: the foreman thread claims next, so no hand-overs until a claim finds the queue empty. */
    private Next claimNext() {
        handoffOpen = false;
        claiming = true;
        return Next.claim(freeSlots);
    }

    /**
     * How long to wait for a due time {@code untilDueNanos} away: until shortly before it, then in short slices. A
     * timed wait of 20 ms ended 0.2 ms late at the median and 3.6 ms at p99 on this project's VM (an idle vCPU's
     * wakeup), one of 0.1 ms ended 0.1 ms late: the slices cost a few dozen wakeups per due task and take the due
     * time's lateness from about 1 ms to about 0.1 ms ({@code ScheduledLatenessBenchmark}).
     */
    private static long untilDue(long untilDueNanos) {
        return untilDueNanos > DUE_APPROACH_NANOS ? untilDueNanos - DUE_APPROACH_NANOS
                : Math.min(untilDueNanos, DUE_SLICE_NANOS);
    }

    /** Waits out a backoff; a stop request cuts it short, an interrupt does not. */
    private void awaitBackoff(long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (!stopRequested && left > 0) {
                try {
                    left = changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    log.warn("Foreman {}: loop thread interrupted without a stop request; ignored, will keep running",
                            foremanId);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** ±10%, so foremen sharing a database (PostgreSQL) don't poll in step. */
    private static long jittered(long nanos) {
        long tenth = nanos / 10;
        return tenth == 0 ? nanos : nanos - tenth + ThreadLocalRandom.current().nextLong(2 * tenth + 1);
    }
}
