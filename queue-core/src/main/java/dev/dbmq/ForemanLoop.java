package dev.dbmq;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreman's loop: wait for a free worker slot and a reason to look (a wakeup, a full previous claim, or the
 * backstop poll), claim at most as many tasks as there are free slots, hand each to a worker, repeat.
 *
 * <p>Policy: it never claims more tasks than it has free workers, so every claimed task starts at once and a crash
 * loses at most the tasks running at that moment ({@code workers}). The price is throughput: with all workers busy
 * it claims in small batches as slots free up rather than in batches of {@code batchSize}. A full claim means "there
 * may be more": the loop looks again as soon as a slot is free, without waiting to be woken.
 *
 * <p>Wakeups cannot be lost: {@link #wake()} sets a flag that the loop clears just before it claims, so a wakeup that
 * arrives while a claim runs makes the loop claim once more instead of sleeping. Many wakeups coalesce into one.
 *
 * <p>Threads: {@link #run()} runs on the one foreman thread, which alone decrements {@code freeSlots}; worker threads
 * increment it; producers and the wakeup watcher set {@code wakePending}; {@link Foreman#close()} sets
 * {@code stopRequested}. All three live under {@code lock} and its single condition, which only the foreman thread
 * waits on.
 */
final class ForemanLoop implements Runnable, WakeTarget {

    private static final Logger log = LoggerFactory.getLogger(ForemanLoop.class);
    private static final long MAX_BACKOFF_NANOS = 5_000_000_000L;
    private static final int FLUSH_COUNTS = -2;

    private final String foremanId;
    private final Claimer claimer;
    private final TaskRunner runner;
    private final TaskCounters counters;
    private final ForemanListener listener;
    private final ExecutorService workers;
    private final int workerCount;
    private final int batchSize;
    private final long pollIntervalNanos;
    private final boolean drainOnStop;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private int freeSlots;
    // Written under lock; also read without it by wake(), to skip the lock when a wakeup is pending already.
    private volatile boolean wakePending;
    private boolean stopRequested;
    private long stopDeadline;

    /** Running tasks, id to name: written by workers and the foreman thread, read for logs at stop. */
    private final Map<Long, String> running = new ConcurrentHashMap<>();

    ForemanLoop(String foremanId, Claimer claimer, TaskRunner runner, TaskCounters counters,
                ForemanListener listener, ExecutorService workers, int workerCount, int batchSize,
                long pollIntervalNanos, boolean drainOnStop) {
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
    }

    @Override
    public void wake() {
        if (wakePending) {
            return; // coalesced: the loop has yet to clear the flag, so it claims after this call, i.e. after our commit
        }
        lock.lock();
        try {
            wakePending = true;
            changed.signal();
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

    Map<Long, String> running() {
        return running;
    }

    @Override
    public void run() {
        log.info("Foreman {}: clearing the task backlog", foremanId);
        boolean mayHaveMore = true; // start-up drains the backlog before the first sleep
        long backoff = 0;
        while (true) {
            int free;
            try {
                free = awaitWork(mayHaveMore);
            } catch (InterruptedException e) {
                log.warn("Foreman {}: loop interrupted; stopping", foremanId);
                return;
            }
            if (free == FLUSH_COUNTS) {
                counters.flush(false);
                continue;
            }
            if (free < 0) {
                return;
            }
            int want = Math.min(free, batchSize);
            try {
                Claimer.Claim claim = claimer.claim(want);
                dispatch(claim);
                backoff = 0;
                mayHaveMore = claim.rows() == want;
                // Forced only when the queue was found empty: a claim that found some tasks going idle happens once
                // per task in a trickle of enqueues, and a write there would be the write per task counting avoids.
                counters.flush(claim.rows() == 0);
                if (!mayHaveMore) {
                    notifyIdle();
                }
            } catch (Throwable t) {
                backoff = backoff == 0 ? 100_000_000L : Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                log.error("Foreman {}: claiming failed; will keep running, retrying in {} ms", foremanId,
                        backoff / 1_000_000, t);
                try {
                    listener.claimFailed(t);
                } catch (RuntimeException e) {
                    log.warn("ForemanListener.claimFailed threw", e);
                }
                if (!awaitBackoff(backoff)) {
                    return;
                }
                mayHaveMore = true;
            }
        }
    }

    private void dispatch(Claimer.Claim claim) {
        int n = claim.runnable().size();
        if (n == 0) {
            return;
        }
        lock.lock();
        try {
            freeSlots -= n; // never below 0: n <= want <= free, and only this thread decrements
        } finally {
            lock.unlock();
        }
        for (Claimer.ClaimedTask task : claim.runnable()) {
            running.put(task.id(), task.name());
            workers.execute(() -> {
                try {
                    runner.run(task);
                } finally {
                    running.remove(task.id());
                    releaseSlot();
                }
            });
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

    /** @return free slots to claim for, {@link #FLUSH_COUNTS}, or -1 when the loop should end */
    private int awaitWork(boolean mayHaveMore) throws InterruptedException {
        lock.lock();
        try {
            long idleNanos = jittered(pollIntervalNanos);
            boolean yielded = false;
            while (true) {
                if (stopRequested) {
                    long left = stopDeadline - System.nanoTime();
                    if (!drainOnStop || !(mayHaveMore || wakePending) || left <= 0) {
                        return -1;
                    }
                    if (freeSlots > 0) {
                        wakePending = false;
                        return freeSlots;
                    }
                    changed.awaitNanos(left);
                } else if (freeSlots == 0) {
                    changed.await(); // a worker signals when it frees its slot
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
                    return freeSlots;
                } else if (idleNanos <= 0) {
                    log.debug("Foreman {}: backstop poll", foremanId);
                    return freeSlots;
                } else {
                    // Idle. Counts of handlers that finished after the last claim are flushed within a second;
                    // the backstop poll above goes first, so failing flushes can't starve it.
                    long untilFlush = counters.nanosUntilFlush();
                    if (untilFlush <= 0) {
                        return FLUSH_COUNTS;
                    }
                    long wait = Math.min(idleNanos, untilFlush);
                    idleNanos -= wait - changed.awaitNanos(wait);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return false when a stop was requested meanwhile */
    private boolean awaitBackoff(long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (!stopRequested && left > 0) {
                left = changed.awaitNanos(left);
            }
            return !stopRequested;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** ±10%, so foremen sharing a database (PostgreSQL) don't poll in step. */
    private static long jittered(long nanos) {
        long tenth = nanos / 10;
        return tenth == 0 ? nanos : nanos - tenth + ThreadLocalRandom.current().nextLong(2 * tenth + 1);
    }

    private void notifyIdle() {
        try {
            listener.idle();
        } catch (RuntimeException e) {
            log.warn("ForemanListener.idle threw", e);
        }
    }
}
