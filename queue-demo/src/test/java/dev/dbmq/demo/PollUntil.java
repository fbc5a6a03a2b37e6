package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a value another process changes until it satisfies a condition, or fails at the deadline. For state that
 * only a database read can see (counts persisted by a foreman in another JVM); in-process signals use latches.
 */
final class PollUntil {

    private static final long BETWEEN_POLLS_NANOS = Duration.ofMillis(50).toNanos();

    private PollUntil() {
    }

    static <T> T value(Duration deadline, Supplier<T> read, Predicate<T> condition, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        T value = read.get();
        while (!condition.test(value)) {
            if (System.nanoTime() > end) {
                fail("not " + what + " within " + deadline + "; last value: " + value);
            }
            LockSupport.parkNanos(BETWEEN_POLLS_NANOS);
            value = read.get();
        }
        return value;
    }
}
