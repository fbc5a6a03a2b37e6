package dev.dbmq;

import dev.dbmq.internal.WatchedThreads;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a foreman's own threads (the loop, the wakeup watcher, the LISTEN thread) report their death. Each is built to
 * survive anything and end only on a stop request; should one end otherwise, by returning or by throwing, the
 * foreman must not sit there looking healthy while work piles up: its state turns {@link Foreman.State#FAILED}, an
 * ERROR line names the thread, what no longer happens and the cause, and {@link ForemanListener#foremanFailed} is
 * called (on the dying thread).
 *
 * <p>It also makes the foreman's one non-daemon thread ({@link #newKeepAliveThread}), which holds the JVM while the
 * foreman can claim: until {@link #release()} (close() has stopped it) or a thread's death, whichever comes first.
 */
final class ForemanThreads implements WatchedThreads {

    private static final Logger log = LoggerFactory.getLogger(ForemanThreads.class);

    private final String foremanId;
    private final String threadPrefix;
    private final Runnable onDeath; // records the death where other processes see it (never throws)
    private final BooleanSupplier stopRequested;
    private final GuardedListener listener;
    private final AtomicReference<Foreman.State> state;
    // Counted down by close() once the foreman has stopped, or by a dying foreman thread; awaited by the keep-alive
    // thread alone.
    private final CountDownLatch released = new CountDownLatch(1);

    ForemanThreads(String foremanId, String threadPrefix, BooleanSupplier stopRequested, GuardedListener listener,
                   AtomicReference<Foreman.State> state, Runnable onDeath) {
        this.onDeath = onDeath;
        this.foremanId = foremanId;
        this.threadPrefix = threadPrefix;
        this.stopRequested = stopRequested;
        this.listener = listener;
        this.state = state;
    }

    /**
     * A daemon thread running {@code body}, not yet started, named for the foreman and {@code role}.
     *
     * @param consequence what stops happening when it dies, for the log ("no more tasks will be claimed")
     */
    @Override
    public Thread newThread(String role, Runnable body, String consequence) {
        String name = ThreadNames.name(threadPrefix, role);
        Thread thread = new Thread(() -> {
            Throwable cause = null;
            try {
                body.run();
            } catch (Throwable t) {
                cause = t;
            }
            if (!stopRequested.getAsBoolean()) {
                died(name, cause != null ? cause : new IllegalStateException(name + " ended without a stop request"),
                        consequence);
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * A non-daemon thread that only waits for {@link #release()} or a foreman thread's death, not yet started. The
     * foreman's working threads (loop, workers, wakeups) are daemon threads, so this one alone decides how long the
     * foreman keeps the JVM up: a claim stuck in the database past close(), or a handler abandoned after the graceful
     * timeout, can't hold it. A failed foreman lets go too: a worker process whose main has returned then ends, so
     * that its supervisor can start a new one, instead of living on without claiming.
     */
    Thread newKeepAliveThread(String role) {
        Thread thread = new Thread(() -> {
            while (true) {
                try {
                    released.await();
                    return;
                } catch (InterruptedException e) {
                    // only a stop or a death lets the JVM go
                }
            }
        }, ThreadNames.name(threadPrefix, role));
        thread.setDaemon(false);
        return thread;
    }

    /** The foreman has stopped: the keep-alive thread ends, and with it the foreman's hold on the JVM. */
    void release() {
        released.countDown();
    }

    private void died(String thread, Throwable cause, String consequence) {
        state.compareAndSet(Foreman.State.RUNNING, Foreman.State.FAILED);
        try {
            log.error("Foreman {}: thread {} died, so {}. Close this foreman and start a new one", foremanId, thread,
                    consequence, cause);
        } catch (Throwable ignored) {
            // the state and the listener still tell
        }
        try {
            onDeath.run();
        } catch (Throwable ignored) {
            // as above: the state and the listener still tell
        }
        listener.foremanFailed(new ForemanEvent.ThreadDied(foremanId, thread, cause));
        released.countDown(); // last: the JVM may end once this is down
    }
}
