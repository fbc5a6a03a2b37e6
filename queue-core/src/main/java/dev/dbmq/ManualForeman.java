package dev.dbmq;

/**
 * A foreman without threads, for tests: tasks run on the thread that calls {@link #runPending()}, through the same
 * claim, decode and failure handling as a started {@link Foreman}, so args are encoded and decoded as in production
 * and a task that can't run is kept as failed. Made by {@link Foreman.Builder#startManual()} (runs when told to) or
 * {@link Foreman.Builder#startEager()} (runs each task right after its enqueue commits, on the enqueuing thread);
 * both take the database's foreman lock on SQLite, so a real foreman can't start beside it.
 *
 * <pre>{@code
 * try (ManualForeman foreman = Foreman.builder(queue).handle(DIGEST, handler).startManual()) {
 *     queue.enqueue(DIGEST, new Digest(1));
 *     assertEquals(1, foreman.runPending());
 * }
 * }</pre>
 *
 * <p>Not only for tests: a batch job that runs what is due and exits (from cron, say) is a manual foreman too. It is
 * part of the API, beside {@link Foreman}, because the builder returns it; the helpers in {@code dev.dbmq.testing}
 * build on the API, never the other way round.
 *
 * <p>An interface so that code under test can take one where it would take a started foreman's work; dbmq's own
 * implementation is the one the builder returns.
 */
public interface ManualForeman extends AutoCloseable {

    /**
     * Claims and runs tasks on this thread until no task it has a handler for is due by the queue's clock, including
     * tasks that handlers enqueue; then looks for tasks of other names, as {@link Foreman.Builder#unhandledTimeout}
     * says. Tasks due later (run-at, a retry's backoff, a recurring schedule's next tick) stay queued: move a
     * {@code dev.dbmq.testing.SettableClock} past their due time and call this again. Called from a handler (eager
     * mode, a task enqueuing a task), it returns 0 and the outer call runs the new task.
     *
     * @return how many tasks were claimed (run, or kept as failed)
     * @throws IllegalStateException when closed
     */
    int runPending();

    /**
     * Claims and runs the task due first, if any is due.
     *
     * @return whether there was one
     * @throws IllegalStateException when closed
     */
    boolean runNext();

    /** Releases the foreman lock and saves the counts; idempotent. */
    @Override
    void close();
}
