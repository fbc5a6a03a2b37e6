package dev.dbmq;

import dev.dbmq.internal.Backend;
import dev.dbmq.internal.Exclusivity;
import dev.dbmq.internal.WakeTarget;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link ManualForeman} that {@link Foreman.Builder#startManual()} and {@link Foreman.Builder#startEager()}
 * return: tasks run on the calling thread, through the same claim, decode and failure handling as the threaded
 * foreman. Calls from several threads take turns ({@code stepping}).
 */
final class CallerThreadForeman implements ManualForeman {

    /**
     * How long a failed attempt's outcome is retried while the database refuses it. A threaded foreman retries until
     * its stop deadline; this one has no stop to wait for while a task runs (close() waits for runPending()), and its
     * caller, a test or a batch job, must get its thread back: so as long as a threaded foreman's default graceful
     * timeout. An interrupt of the caller's thread ends it sooner.
     */
    static final java.time.Duration OUTCOME_RETRY = Foreman.DEFAULT_GRACEFUL_TIMEOUT;

    private final Backend backend;
    private final Exclusivity.Lease exclusivity;
    private final Claimer claimer;
    private final OutcomeWrites outcomes;
    private final TaskRunner runner;
    private final TaskCounters counters;
    private final int batchSize;
    private final WakeTarget wakeTarget;
    private final ReentrantLock stepping = new ReentrantLock();
    private boolean closed; // guarded by stepping

    CallerThreadForeman(TaskQueue queue, Handlers handlers, RecurringTasks recurring, GuardedListener listener,
                        TaskChain interceptors, int batchSize, java.time.Duration unhandledTimeout, boolean eager) {
        this.backend = queue.backend();
        if (queue.isClosed()) {
            throw new IllegalStateException("the queue on " + backend.describe() + " is closed");
        }
        this.batchSize = batchSize;
        String id = Foreman.newId(); // for its listener's events; a manual foreman has no threads to name
        this.exclusivity = backend.exclusivity().acquire("manual foreman " + id);
        this.counters = new TaskCounters(backend.storage().database(), queue.clock(),
                !queue.settings().history().isZero());
        this.claimer = new Claimer(id, backend.storage(), handlers, recurring, queue.codec(), queue.clock(), counters,
                listener, unhandledTimeout, null);
        this.outcomes = OutcomeWrites.forAtMost(backend.storage().database(), OUTCOME_RETRY);
        this.runner = new TaskRunner(id, outcomes, queue.clock(), counters, listener, interceptors, null);
        this.wakeTarget = eager ? new WakeTarget() {
            @Override
            public void wake() {
                runPending();
            }

            @Override
            public void wakeFromCommitHook() {
                // inside a commit nothing may touch the database: these run at the next runPending()/enqueue
            }
        } : () -> { };
        if (!LocalForemen.register(backend.key(), wakeTarget)) {
            exclusivity.close();
            throw new DbmqException("a foreman is already running on " + backend.describe()
                    + " in this JVM; refusing to start a second one");
        }
        try {
            recurring.ensureScheduled(backend.storage().database(), queue.clock().millis());
            recurring.reportUnregistered(backend.storage(), handlers.names());
        } catch (RuntimeException e) {
            LocalForemen.unregister(backend.key(), wakeTarget);
            exclusivity.close();
            throw e;
        }
    }

    @Override
    public int runPending() {
        if (stepping.isHeldByCurrentThread()) {
            return 0; // the outer runPending() loops until the queue is empty
        }
        int total = 0;
        int claimed;
        do {
            claimed = step(batchSize);
            total += claimed;
        } while (claimed > 0);
        stepping.lock();
        try {
            // as a threaded foreman does every few minutes: names without a handler here are logged, and kept as
            // failed once older than unhandledTimeout
            long keptBefore = claimer.keptUnhandled();
            if (claimer.checkUnhandled()) {
                while (claimer.sweepUnhandled()) {
                    // one batch per transaction, as the threaded foreman does between claims
                }
            }
            return total + (int) (claimer.keptUnhandled() - keptBefore);
        } finally {
            stepping.unlock();
        }
    }

    @Override
    public boolean runNext() {
        if (stepping.isHeldByCurrentThread()) {
            return false;
        }
        return step(1) > 0;
    }

    private int step(int limit) {
        stepping.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this manual foreman is closed");
            }
            Claims.Claim claim = claimer.claim(limit, () -> true);
            for (ClaimedTask task : claim.runnable()) {
                runner.run(task);
            }
            counters.flush(true);
            return claim.rows();
        } finally {
            stepping.unlock();
        }
    }

    /** Tries to write a failed attempt's outcome that the database refused: for tests. */
    long outcomeWriteFailures() {
        return outcomes.failedTries();
    }

    @Override
    public void close() {
        stepping.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            LocalForemen.unregister(backend.key(), wakeTarget);
            counters.flush(true);
            exclusivity.close();
        } finally {
            stepping.unlock();
        }
    }
}
