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
    /** The Failed and Retrying events, as told. */
    final List<TaskEvent> taskEvents = new CopyOnWriteArrayList<>();
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
    public void taskStarted(TaskEvent.Started e) {
        add(new Event("started", e.taskId(), e.taskName(), null));
    }

    @Override
    public void taskSucceeded(TaskEvent.Succeeded e) {
        add(new Event("succeeded", e.taskId(), e.taskName(), null));
    }

    @Override
    public void taskFailed(TaskEvent.Failed e) {
        failures.add(e.error());
        taskEvents.add(e);
        add(new Event("failed", e.taskId(), e.taskName(), String.valueOf(e.error())));
    }

    @Override
    public void taskRetrying(TaskEvent.Retrying e) {
        failures.add(e.error());
        taskEvents.add(e);
        add(new Event("retrying", e.taskId(), e.taskName(), e.attempt() + " " + e.nextAttemptAt().toEpochMilli()));
    }

    @Override
    public void taskRejected(TaskEvent.Rejected e) {
        add(new Event("rejected", e.taskId(), e.taskName(), e.reason()));
    }

    @Override
    public void taskInterrupted(TaskEvent.Interrupted e) {
        add(new Event("interrupted", e.taskId(), e.taskName(), e.gone() + " "
                + (e.runsAgain() ? "again" : e.reason())));
    }

    @Override
    public void taskSnoozed(TaskEvent.Snoozed e) {
        add(new Event("snoozed", e.taskId(), e.taskName(), e.attempt() + " " + e.runsAt().toEpochMilli()));
    }

    @Override
    public void taskFenced(TaskEvent.Fenced e) {
        add(new Event("fenced", e.taskId(), e.taskName(), null));
    }

    @Override
    public void taskCancelled(TaskEvent.Cancelled e) {
        add(new Event("cancelled", e.taskId(), e.taskName(), null));
    }

    @Override
    public void claimFailed(ForemanEvent.ClaimFailed e) {
        add(new Event("claimFailed", 0, null, String.valueOf(e.error())));
    }

    @Override
    public void idle(ForemanEvent.Idle e) {
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
