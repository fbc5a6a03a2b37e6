package dev.dbmq;

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
 */
final class ForemanThreads {

    private static final Logger log = LoggerFactory.getLogger(ForemanThreads.class);

    private final String foremanId;
    private final BooleanSupplier stopRequested;
    private final GuardedListener listener;
    private final AtomicReference<Foreman.State> state;

    ForemanThreads(String foremanId, BooleanSupplier stopRequested, GuardedListener listener,
                   AtomicReference<Foreman.State> state) {
        this.foremanId = foremanId;
        this.stopRequested = stopRequested;
        this.listener = listener;
        this.state = state;
    }

    /**
     * A daemon thread running {@code body}, not yet started.
     *
     * @param consequence what stops happening when it dies, for the log ("no more tasks will be claimed")
     */
    Thread newThread(String name, Runnable body, String consequence) {
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

    private void died(String thread, Throwable cause, String consequence) {
        state.compareAndSet(Foreman.State.RUNNING, Foreman.State.FAILED);
        try {
            log.error("Foreman {}: thread {} died, so {}. Close this foreman and start a new one", foremanId, thread,
                    consequence, cause);
        } catch (Throwable ignored) {
            // the state and the listener still tell
        }
        listener.foremanFailed(thread, cause);
    }
}
