package dev.dbmq.testing;

import dev.dbmq.ForemanEvent;
import dev.dbmq.ForemanListener;
import dev.dbmq.TaskEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A {@link ForemanListener} for tests: it records every callback as an immutable {@link Event}, and lets the test
 * wait until what it expects has happened, each wait with a timeout, instead of sleeping.
 *
 * <pre>{@code
 * RecordingListener recorder = new RecordingListener();
 * try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"));
 *      Foreman foreman = Foreman.builder(queue).handle(DIGEST, digester).listener(recorder).start()) {
 *     queue.enqueue(DIGEST, new Digest(42));
 *     recorder.awaitSucceeded(1, Duration.ofSeconds(10));   // AssertionError naming what it saw after 10 s
 *     assertEquals(List.of(), recorder.failures());
 * }
 * }</pre>
 *
 * <p>A wait returns as soon as its condition holds: the condition is checked again at every callback, and every
 * {@value #RECHECK_MILLIS} ms for conditions on state outside this listener (a handler's side effects, a row in your
 * database). On timeout it throws an {@link AssertionError} that says what it waited for and the events it saw; it
 * needs no test framework. The listener keeps every event until it is garbage: one per callback, including one per
 * {@link Kind#IDLE idle}, which suits a test, not a long-running process.
 *
 * <p>Threads: the callbacks come from the foreman's threads (the loop thread: {@code taskRejected},
 * {@code claimFailed}, {@code idle}, {@code taskInterrupted}; worker threads: {@code taskStarted}, {@code taskSucceeded},
 * {@code taskRetrying}, {@code taskFailed}, and {@code taskRejected} and {@code claimFailed} while they claim for
 * themselves; any of its threads: {@code foremanFailed}) and the reads and waits from the test's thread. All
 * of them go through one lock; callbacks hold it only to append, and a wait's condition is evaluated outside it, so
 * a slow condition never holds up a worker.
 */
public final class RecordingListener implements ForemanListener {

    /** How often a wait rechecks its condition when no callback comes, for conditions on outside state. */
    public static final long RECHECK_MILLIS = 50;

    /** The callback an {@link Event} records. */
    public enum Kind {
        /** {@link ForemanListener#taskStarted}. */
        STARTED,
        /** {@link ForemanListener#taskSucceeded}; the detail is how long the handler took. */
        SUCCEEDED,
        /**
         * {@link ForemanListener#taskFailed}, also for a {@code NonRetryableException}; the detail is the error's
         * {@code toString()}.
         */
        FAILED,
        /**
         * {@link ForemanListener#taskRetrying}; the detail is {@code "attempt <n> threw <error>; next at <instant>"}.
         */
        RETRYING,
        /** {@link ForemanListener#taskRejected}; the detail is the reason. */
        REJECTED,
        /** {@link ForemanListener#taskInterrupted}; the detail is the reason, or "runs again as attempt n". */
        INTERRUPTED,
        /** {@link ForemanListener#taskSnoozed}; the detail is when it runs again. */
        SNOOZED,
        /** {@link ForemanListener#taskCancelled}; no detail. */
        CANCELLED,
        /** {@link ForemanListener#taskFenced}; no detail. */
        FENCED,
        /** {@link ForemanListener#claimFailed}; no task, the detail is the error's {@code toString()}. */
        CLAIM_FAILED,
        /** {@link ForemanListener#idle}; no task, no detail. */
        IDLE,
        /** {@link ForemanListener#foremanFailed}; no task, the detail is the thread's name and the cause. */
        FOREMAN_FAILED
    }

    /**
     * One callback.
     *
     * @param kind     which callback
     * @param taskId   the task's id, or 0 for the callbacks without a task
     * @param taskName the task's name, or {@code null} for the callbacks without a task
     * @param detail   what the callback said beyond the task (see {@link Kind}), or {@code null}
     */
    public record Event(Kind kind, long taskId, String taskName, String detail) {
        public Event {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** Guards the three fields below. Written by the foreman's threads (the callbacks), read by the test's thread. */
    private final Object lock = new Object();
    private final List<Event> events = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    /** Bumped at every callback, so a waiter knows whether anything happened since it last looked. */
    private long version;

    @Override
    public void taskStarted(TaskEvent.Started e) {
        record(new Event(Kind.STARTED, e.taskId(), e.taskName(), null), null);
    }

    @Override
    public void taskSucceeded(TaskEvent.Succeeded e) {
        record(new Event(Kind.SUCCEEDED, e.taskId(), e.taskName(), String.valueOf(e.took())), null);
    }

    @Override
    public void taskFailed(TaskEvent.Failed e) {
        record(new Event(Kind.FAILED, e.taskId(), e.taskName(), String.valueOf(e.error())), e.error());
    }

    @Override
    public void taskRetrying(TaskEvent.Retrying e) {
        record(new Event(Kind.RETRYING, e.taskId(), e.taskName(), "attempt " + e.attempt() + " threw " + e.error()
                + "; next at " + e.nextAttemptAt()), e.error());
    }

    @Override
    public void taskRejected(TaskEvent.Rejected e) {
        record(new Event(Kind.REJECTED, e.taskId(), e.taskName(), e.reason()), null);
    }

    @Override
    public void taskInterrupted(TaskEvent.Interrupted e) {
        record(new Event(Kind.INTERRUPTED, e.taskId(), e.taskName(),
                e.runsAgain() ? "runs again as attempt " + (e.attempt() + 1) : e.reason()), null);
    }

    @Override
    public void taskSnoozed(TaskEvent.Snoozed e) {
        record(new Event(Kind.SNOOZED, e.taskId(), e.taskName(), e.runsAt().toString()), null);
    }

    @Override
    public void taskFenced(TaskEvent.Fenced e) {
        record(new Event(Kind.FENCED, e.taskId(), e.taskName(), null), null);
    }

    @Override
    public void taskCancelled(TaskEvent.Cancelled e) {
        record(new Event(Kind.CANCELLED, e.taskId(), e.taskName(), null), null);
    }

    @Override
    public void claimFailed(ForemanEvent.ClaimFailed e) {
        record(new Event(Kind.CLAIM_FAILED, 0, null, String.valueOf(e.error())), null);
    }

    @Override
    public void idle(ForemanEvent.Idle e) {
        record(new Event(Kind.IDLE, 0, null, null), null);
    }

    @Override
    public void foremanFailed(ForemanEvent.ThreadDied e) {
        record(new Event(Kind.FOREMAN_FAILED, 0, null, e.thread() + ": " + e.cause()), null);
    }

    private void record(Event event, Throwable failure) {
        synchronized (lock) {
            events.add(event);
            if (failure != null) {
                failures.add(failure);
            }
            version++;
            lock.notifyAll();
        }
    }

    /** Every event so far, oldest first: a snapshot, not changed by later callbacks. */
    public List<Event> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** The events of one kind so far, oldest first: a snapshot. */
    public List<Event> events(Kind kind) {
        return events().stream().filter(e -> e.kind() == kind).toList();
    }

    /** How many events of this kind so far. */
    public int count(Kind kind) {
        return events(kind).size();
    }

    /** What the handlers threw so far ({@link Kind#FAILED} and {@link Kind#RETRYING}), oldest first: a snapshot. */
    public List<Throwable> failures() {
        synchronized (lock) {
            return List.copyOf(failures);
        }
    }

    /** Waits until at least {@code n} handlers have returned normally. */
    public void awaitSucceeded(int n, Duration timeout) {
        awaitCount(Kind.SUCCEEDED, n, timeout);
    }

    /** Waits until at least {@code n} handlers have thrown. */
    public void awaitFailed(int n, Duration timeout) {
        awaitCount(Kind.FAILED, n, timeout);
    }

    /** Waits until at least {@code n} claimed tasks have been rejected (unknown name, undecodable args). */
    public void awaitRejected(int n, Duration timeout) {
        awaitCount(Kind.REJECTED, n, timeout);
    }

    /** Waits until at least {@code n} events of this kind have been recorded. */
    public void awaitCount(Kind kind, int n, Duration timeout) {
        Objects.requireNonNull(kind, "kind");
        await(events -> events.stream().filter(e -> e.kind() == kind).count() >= n, timeout,
                "at least " + n + " " + kind + " events");
    }

    /**
     * Waits until {@code condition} holds for the events so far, and returns them.
     *
     * @param condition tested on a snapshot of the events, oldest first; on the caller's thread, never under the lock
     * @param what      what is awaited, for the timeout's message ("the digest of event 42")
     * @throws AssertionError on timeout, naming {@code what} and the events seen; or if the thread is interrupted
     *                        (its interrupt flag is set again)
     */
    public List<Event> await(Predicate<? super List<Event>> condition, Duration timeout, String what) {
        Objects.requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Event> seen;
            long seenVersion;
            synchronized (lock) {
                seen = List.copyOf(events);
                seenVersion = version;
            }
            if (condition.test(seen)) {
                return seen;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; " + summary(seen));
            }
            synchronized (lock) {
                if (version == seenVersion) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock,
                                Math.min(left, TimeUnit.MILLISECONDS.toNanos(RECHECK_MILLIS)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError("interrupted while waiting for " + what + "; " + summary(seen), e);
                    }
                }
            }
        }
    }

    /**
     * Waits until {@code condition} holds, for conditions on state outside this listener (a handler's side effects,
     * a row in your database); checked again at each callback and every {@value #RECHECK_MILLIS} ms.
     *
     * @throws AssertionError on timeout, naming {@code what} and the events seen
     */
    public void await(BooleanSupplier condition, Duration timeout, String what) {
        Objects.requireNonNull(condition, "condition");
        await(events -> condition.getAsBoolean(), timeout, what);
    }

    /** Counts per kind, then the task events (idles left out) of the last ones, oldest first. */
    private static String summary(List<Event> seen) {
        StringBuilder counts = new StringBuilder("saw");
        for (Kind kind : Kind.values()) {
            long n = seen.stream().filter(e -> e.kind() == kind).count();
            counts.append(' ').append(n).append(' ').append(kind).append(kind == Kind.FOREMAN_FAILED ? "" : ",");
        }
        List<Event> tasks = seen.stream().filter(e -> e.kind() != Kind.IDLE).toList();
        int from = Math.max(0, tasks.size() - 20);
        return counts + (from > 0 ? "; the last 20 other than IDLE: " : "; other than IDLE: ")
                + tasks.subList(from, tasks.size());
    }

    @Override
    public String toString() {
        return "RecordingListener[" + summary(events()) + "]";
    }
}
