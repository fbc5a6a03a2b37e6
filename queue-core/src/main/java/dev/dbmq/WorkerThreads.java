package dev.dbmq;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a foreman's worker threads: daemon platform threads named {@code dbmq-worker-N-<foreman>} by default, or
 * whatever the user's {@link Foreman.Builder#workerThreadFactory} makes (JDK 21+: {@code
 * Thread.ofVirtual().factory()}).
 *
 * <p>A user's factory is user code, so it is guarded. At start the pool's threads are all made through it at once
 * ({@link #prestart}): a factory that throws or returns null fails the start with the setting's name, before any task
 * is claimed. A worker made later (the pool replaces one whose thread died) that the factory fails to make is logged at
 * ERROR and made as a default thread instead: a claimed task must never wait in the pool for a thread that never
 * comes.
 *
 * <p>Threads: the pool calls {@link #newThread} on whichever thread submits or ends a job; {@code started} is written
 * once by the foreman's constructor.
 */
final class WorkerThreads implements ThreadFactory {

    private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);

    private final String foremanId;
    private final String threadPrefix;
    private final ThreadFactory user; // null: the default
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean started;

    WorkerThreads(String foremanId, String threadPrefix, ThreadFactory user) {
        this.foremanId = foremanId;
        this.threadPrefix = threadPrefix;
        this.user = user;
    }

    @Override
    public Thread newThread(Runnable r) {
        if (user == null) {
            return defaultThread(r);
        }
        Thread t;
        try {
            t = user.newThread(r);
        } catch (Throwable e) {
            if (!started) {
                throw new IllegalArgumentException("workerThreadFactory threw when asked for a worker thread: " + e,
                        e);
            }
            log.error("Foreman {}: workerThreadFactory threw when asked for a worker thread; using a platform"
                    + " thread instead", foremanId, e);
            return defaultThread(r);
        }
        if (t == null) {
            if (!started) {
                throw new IllegalArgumentException("workerThreadFactory returned null for a worker thread");
            }
            log.error("Foreman {}: workerThreadFactory returned null for a worker thread; using a platform thread"
                    + " instead", foremanId);
            return defaultThread(r);
        }
        return t;
    }

    /**
     * Makes and starts all of the pool's threads now, through the user's factory, which must make each; from then on a
     * failing factory falls back to default threads (see the class comment).
     *
     * @throws IllegalArgumentException naming workerThreadFactory when it threw, returned null, or returned a thread
     *                                  that cannot be started
     */
    void prestart(ThreadPoolExecutor pool) {
        try {
            int made = pool.prestartAllCoreThreads();
            if (made < pool.getCorePoolSize()) {
                throw new IllegalArgumentException("workerThreadFactory made " + made + " of "
                        + pool.getCorePoolSize() + " worker threads");
            }
        } catch (IllegalThreadStateException e) {
            throw new IllegalArgumentException("workerThreadFactory returned a thread that cannot be started (was it"
                    + " started already?): " + e, e);
        } finally {
            started = true;
        }
    }

    private Thread defaultThread(Runnable r) {
        Thread t = new Thread(r, ThreadNames.name(threadPrefix, "worker-" + count.incrementAndGet()));
        t.setDaemon(true);
        return t;
    }
}
