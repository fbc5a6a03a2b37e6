package dev.dbmq.dashboard;

import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Tasks the dashboard's tests make fail, and waiting on conditions. */
final class Fixtures {

    static final Task<String> EMAIL = Task.of("email", String.class);
    static final Task<String> REPORT = Task.of("report", String.class);

    private Fixtures() {
    }

    /**
     * Enqueues each {@code args → reason} of {@code task} and runs them on a manual foreman whose handler throws
     * {@code reason}: each kept as failed (no retries), its reason holding that text.
     */
    static void fail(TaskQueue queue, Task<String> task, Map<String, String> argsToReason) {
        argsToReason.keySet().forEach(args -> queue.enqueue(task, args));
        try (ManualForeman foreman = Foreman.builder(queue)
                .handle(task, (String args) -> {
                    throw new IllegalStateException(argsToReason.get(args));
                })
                .startManual()) {
            int ran = foreman.runPending();
            if (ran != argsToReason.size()) {
                throw new AssertionError("ran " + ran + " tasks, expected " + argsToReason.size());
            }
        }
    }

    /** Waits until {@code condition} holds, polling every 20 ms; fails after {@code timeout}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not " + what + " within " + timeout);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** As {@link #await}, returning the value that satisfied it. */
    static <T> T awaitValue(Duration timeout, String what, Supplier<T> read, java.util.function.Predicate<T> ok) {
        long end = System.nanoTime() + timeout.toNanos();
        T value = read.get();
        while (!ok.test(value)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not " + what + " within " + timeout + "; last: " + value);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            value = read.get();
        }
        return value;
    }
}
