package dev.dbmq;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A foreman's watch over running attempts where several foremen share a database (PostgreSQL): about once a second it
 * settles the records of foremen that are gone ({@link Settlement}), so that an at-least-once task of a foreman killed
 * on another host runs again within about a second plus the time the server takes to see the session end, busy or
 * idle. One read when nobody is gone: the foremen that have records, then (when some are not this one) whose lock is
 * held.
 *
 * <p>Its own thread, so the foreman's loop stays about claiming; {@link #stop} ends it.
 */
final class RunningWatch implements Runnable {

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Runnable settle;
    private final CountDownLatch stopped = new CountDownLatch(1);

    RunningWatch(Runnable settle) {
        this.settle = settle;
    }

    @Override
    public void run() {
        try {
            while (!stopped.await(INTERVAL_NANOS, TimeUnit.NANOSECONDS)) {
                settle.run(); // never throws: Settlement logs a failure and the next second tries again
            }
        } catch (InterruptedException e) {
            // close() interrupts only after stop(): done
        }
    }

    void stop() {
        stopped.countDown();
    }
}
