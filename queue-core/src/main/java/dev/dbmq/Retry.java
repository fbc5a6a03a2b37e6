package dev.dbmq;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often a task whose handler throws is tried, and how long apart: a property of the task type,
 * {@link Task#retry(Retry)}. Immutable.
 *
 * <p>Each attempt is at most once, as every dbmq task: its row is deleted when it is claimed. When an attempt throws
 * and attempts remain, the next attempt is written, due after the backoff, in the same transaction that records the
 * failure; when the last one throws, the task is kept in the failed-tasks table with its attempt count and the last
 * reason. A handler that throws a {@link NonRetryableException} has its task kept so at once, attempts left or not.
 * A crash during an attempt loses the task: retries cover failures a handler reports, not crashes.
 */
public final class Retry {

    /** Most attempts accepted by the factories. */
    public static final int MAX_ATTEMPTS = 100;
    /** The longest backoff {@link #exponential} waits, unless {@link #maxDelay} says otherwise: 1 day. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofDays(1);

    private static final Retry NONE = new Retry(1, 0, 0, 0);

    private final int maxAttempts;
    private final long initialMillis;
    private final long maxDelayMillis;
    private final double multiplier; // 0: no retries

    private Retry(int maxAttempts, long initialMillis, long maxDelayMillis, double multiplier) {
        this.maxAttempts = maxAttempts;
        this.initialMillis = initialMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.multiplier = multiplier;
    }

    /** One attempt; a handler that throws keeps the task as failed at once. The default. */
    public static Retry none() {
        return NONE;
    }

    /**
     * Up to {@code maxAttempts} attempts; the first retry waits {@code initialDelay}, each next one twice as long
     * as the one before (at most {@link #DEFAULT_MAX_DELAY}), each within ±10% (jitter, so tasks that failed together
     * don't retry together). {@code exponential(1 s, 5)}: waits of about 1 s, 2 s, 4 s, 8 s.
     *
     * @param initialDelay 1 ms to 1 day
     * @param maxAttempts  1 (no retry) to {@value #MAX_ATTEMPTS}, counting the first attempt
     */
    public static Retry exponential(Duration initialDelay, int maxAttempts) {
        return new Retry(checkAttempts(maxAttempts), checkDelay("initialDelay", initialDelay),
                DEFAULT_MAX_DELAY.toMillis(), 2);
    }

    /** Up to {@code maxAttempts} attempts, {@code delay} apart (±10%); arguments as for {@link #exponential}. */
    public static Retry fixed(Duration delay, int maxAttempts) {
        long millis = checkDelay("delay", delay);
        return new Retry(checkAttempts(maxAttempts), millis, millis, 1);
    }

    /** The longest wait between two attempts (before jitter); at least the initial delay, at most 30 days. */
    public Retry maxDelay(Duration maxDelay) {
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxDelay.toMillis() < initialMillis || maxDelay.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("maxDelay must be between the initial delay ("
                    + Duration.ofMillis(initialMillis) + ") and 30 days, was " + maxDelay);
        }
        return new Retry(maxAttempts, initialMillis, maxDelay.toMillis(), multiplier);
    }

    private static int checkAttempts(int maxAttempts) {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and " + MAX_ATTEMPTS + ", was "
                    + maxAttempts);
        }
        return maxAttempts;
    }

    private static long checkDelay(String name, Duration delay) {
        Objects.requireNonNull(delay, name);
        if (delay.compareTo(Duration.ofMillis(1)) < 0 || delay.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(name + " must be between 1 ms and 1 day, was " + delay);
        }
        return delay.toMillis();
    }

    /** Attempts in all, counting the first; 1 for {@link #none()}. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether an attempt that threw is followed by another. */
    boolean retriesAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** The wait before the next attempt when {@code attempt} (1 for the first) threw, before jitter, in ms. */
    long baseDelayMillis(int attempt) {
        double d = initialMillis * Math.pow(multiplier, attempt - 1);
        return (long) Math.min(d, maxDelayMillis);
    }

    /** The wait before the next attempt, with ±10% jitter, in ms; at least 1. */
    long delayMillis(int attempt) {
        long base = baseDelayMillis(attempt);
        long tenth = base / 10;
        return Math.max(1, tenth == 0 ? base : base - tenth + ThreadLocalRandom.current().nextLong(2 * tenth + 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Retry r && maxAttempts == r.maxAttempts && initialMillis == r.initialMillis
                && maxDelayMillis == r.maxDelayMillis && multiplier == r.multiplier;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialMillis, maxDelayMillis, multiplier);
    }

    @Override
    public String toString() {
        if (maxAttempts == 1) {
            return "Retry.none()";
        }
        String kind = multiplier == 1 ? "fixed" : "exponential";
        return "Retry." + kind + "(" + Duration.ofMillis(initialMillis) + ", " + maxAttempts + ")"
                + (multiplier != 1 && maxDelayMillis != DEFAULT_MAX_DELAY.toMillis()
                ? ".maxDelay(" + Duration.ofMillis(maxDelayMillis) + ")" : "");
    }
}
