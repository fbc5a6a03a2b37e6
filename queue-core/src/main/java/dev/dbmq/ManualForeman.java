package dev.dbmq;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A foreman without threads, for tests (see {@link Foreman.Builder#startManual()} and
 * {@link Foreman.Builder#startEager()}): tasks run on the calling thread, through the same claim, decode and failure
 * handling as the threaded foreman.
 *
 * <pre>{@code
 * try (ManualForeman foreman = Foreman.builder(queue).handle(DIGEST, handler).startManual()) {
 *     queue.enqueue(DIGEST, new Digest(1));
 *     assertEquals(1, foreman.runPending());
 * }
 * }</pre>
 */
public final class ManualForeman implements AutoCloseable {

    private final Backend backend;
    private final Backend.Exclusivity exclusivity;
    private final Claimer claimer;
    private final TaskRunner runner;
    private final TaskCounters counters;
    private final int batchSize;
    private final WakeTarget wakeTarget;
    private final ReentrantLock stepping = new ReentrantLock();
    private boolean closed; // guarded by stepping

    ManualForeman(TaskQueue queue, Handlers handlers, GuardedListener listener, int batchSize,
                  java.time.Duration unhandledTimeout, boolean eager) {
        this.backend = queue.backend();
        if (queue.isClosed()) {
            throw new IllegalStateException("the queue on " + backend.describe() + " is closed");
        }
        this.batchSize = batchSize;
        this.exclusivity = backend.exclusivity("manual foreman, pid " + ProcessHandle.current().pid());
        this.counters = new TaskCounters(backend.database());
        this.claimer = new Claimer(backend, handlers, queue.codec(), queue.clock(), counters, listener,
                unhandledTimeout);
        this.runner = new TaskRunner(backend.database(), queue.clock(), counters, listener);
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
    }

    /**
     * Claims and runs tasks on this thread until no task it has a handler for is left, including tasks that handlers
     * enqueue; then looks for tasks of other names, as {@link Foreman.Builder#unhandledTimeout} says.
     * Called from a handler (eager mode, a task enqueuing a task), it returns 0 and the outer call runs the new task.
     *
     * @return how many tasks were claimed (run, or kept as failed)
     */
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
            return total + claimer.checkUnhandled();
        } finally {
            stepping.unlock();
        }
    }

    /** Claims and runs the oldest task, if any; returns whether there was one. */
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
            Claimer.Claim claim = claimer.claim(limit, () -> true);
            for (Claimer.ClaimedTask task : claim.runnable()) {
                runner.run(task);
            }
            counters.flush(true);
            return claim.rows();
        } finally {
            stepping.unlock();
        }
    }

    /** Releases the lock; idempotent. */
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
