package dev.dbmq.spring;

import dev.dbmq.Foreman;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's foreman with the context: started when the context has refreshed, stopped gracefully when
 * it closes, before any singleton is destroyed (so the DataSource and the handlers' own beans outlive every handler
 * run). Spring's lifecycle thread calls start and stop; the health indicator reads the foreman from request threads,
 * hence the volatile.
 */
final class ForemanLifecycle implements SmartLifecycle {

    private final Foreman.Builder builder;
    private volatile Foreman foreman;

    /** @param builder fully configured: each start is a new foreman from it (the builder copies its settings) */
    ForemanLifecycle(Foreman.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void start() {
        foreman = builder.start();
    }

    /** Blocks up to {@code dbmq.foreman.graceful-timeout} (and 0.5 s more for interrupted handlers). */
    @Override
    public void stop() {
        Foreman f = foreman;
        if (f != null) {
            f.close();
        }
    }

    /** True from start until stopped, also for a foreman that failed: it still has to be closed. */
    @Override
    public boolean isRunning() {
        Foreman f = foreman;
        return f != null && f.state() != Foreman.State.STOPPED;
    }

    /** The running foreman; null before the first start. */
    Foreman foreman() {
        return foreman;
    }
}
