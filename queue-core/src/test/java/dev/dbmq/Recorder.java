package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/** A listener that records what the foreman did, and lets a test wait for it, each wait with a timeout. */
final class Recorder implements ForemanListener {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    record Event(String kind, long taskId, String taskName, String detail) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int idles;

    private void add(Event e) {
        events.add(e);
        signal();
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void taskStarted(long taskId, String taskName) {
        add(new Event("started", taskId, taskName, null));
    }

    @Override
    public void taskSucceeded(long taskId, String taskName, Duration took) {
        add(new Event("succeeded", taskId, taskName, null));
    }

    @Override
    public void taskFailed(long taskId, String taskName, Throwable error) {
        failures.add(error);
        add(new Event("failed", taskId, taskName, String.valueOf(error)));
    }

    @Override
    public void taskRetrying(long taskId, String taskName, int attempt, java.time.Instant nextAttemptAt,
                             Throwable error) {
        failures.add(error);
        add(new Event("retrying", taskId, taskName, attempt + " " + nextAttemptAt.toEpochMilli()));
    }

    @Override
    public void taskRejected(long taskId, String taskName, String reason) {
        add(new Event("rejected", taskId, taskName, reason));
    }

    @Override
    public void claimFailed(Throwable error) {
        add(new Event("claimFailed", 0, null, String.valueOf(error)));
    }

    @Override
    public void idle() {
        lock.lock();
        try {
            idles++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long count(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).count();
    }

    int idles() {
        lock.lock();
        try {
            return idles;
        } finally {
            lock.unlock();
        }
    }

    void awaitCount(String kind, long n) {
        await(() -> count(kind) >= n, n + " " + kind + " events, saw " + events);
    }

    /** Waits until the foreman has gone idle more than {@code before} times. */
    void awaitIdleAfter(int before) {
        await(() -> idles() > before, "the foreman to go idle");
    }

    void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "timed out waiting for " + what);
                changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what);
        } finally {
            lock.unlock();
        }
    }
}
