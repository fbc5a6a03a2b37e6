package dev.dbmq;

import dev.dbmq.internal.StoredText;
import dev.dbmq.internal.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a task may run, whether it is unique, and its priority: the options of
 * {@link TaskQueue#enqueue(Task, Object, Enqueue)}.
 * Immutable; each factory and {@link #key(String)} check their value at once and name it when they refuse one.
 *
 * <pre>{@code
 * queue.enqueue(DIGEST, args, Enqueue.after(Duration.ofMinutes(5)).key("digest:42"));
 * }</pre>
 *
 * <p>Due times are epoch milliseconds of the queue's {@link QueueSettings#clock() clock}, rounded up, so a task never
 * runs before the instant asked for. A due time in the past means at once.
 */
public final class Enqueue {

    /** Longest {@link #key(String)} accepted. */
    public static final int MAX_KEY_LENGTH = 200;
    /** Keys with this prefix are taken by recurring schedules ({@link Foreman.Builder#recurring}). */
    static final String RESERVED_KEY_PREFIX = "dbmq:";

    private static final Enqueue NOW = new Enqueue(null, 0, null, null);

    private final Instant at;       // null: after delayMillis from the enqueue
    private final long delayMillis;
    private final String key;
    private final Integer priority; // null: the task's

    private Enqueue(Instant at, long delayMillis, String key, Integer priority) {
        this.at = at;
        this.delayMillis = delayMillis;
        this.key = key;
        this.priority = priority;
    }

    /** Due at once: the default. */
    public static Enqueue now() {
        return NOW;
    }

    /** Due at {@code instant}, not before (rounded up to the millisecond); an instant in the past means at once. */
    public static Enqueue at(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        try {
            long millis = instant.toEpochMilli();
            if (instant.getNano() % 1_000_000 != 0) {
                millis = Math.addExact(millis, 1);
            }
            return new Enqueue(Instant.ofEpochMilli(millis), 0, null, null);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("instant must be within epoch milliseconds, was " + instant);
        }
    }

    /** Due {@code delay} after the enqueue, by the queue's clock (rounded up to the millisecond); 0 means at once. */
    public static Enqueue after(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        if (delay.compareTo(Duration.ofDays(365 * 1000L)) > 0) {
            throw new IllegalArgumentException("delay must be at most 1000 years, was " + delay);
        }
        long millis = delay.toMillis() + (delay.toNanos() % 1_000_000 == 0 ? 0 : 1);
        return new Enqueue(null, millis, null, null);
    }

    /**
     * Unique among pending tasks: while a task with this key waits to be claimed, an enqueue with the same key writes
     * nothing and returns that task's id (whatever its name, args or due time). The key is free again once its task
     * is claimed or cancelled; a retry of a failed attempt does not hold it.
     *
     * @param key 1 to {@value #MAX_KEY_LENGTH} characters, not starting with {@code dbmq:} (reserved for recurring
     *            schedules), without NUL or half of a surrogate pair (a key cut in the middle of an emoji, say: the
     *            databases would store it as {@code ?}, merging it with other keys)
     */
    public Enqueue key(String key) {
        Objects.requireNonNull(key, "key");
        checkKeyText(key, "nothing was written");
        if (key.startsWith(RESERVED_KEY_PREFIX)) {
            throw new IllegalArgumentException("key must not start with \"" + RESERVED_KEY_PREFIX
                    + "\" (reserved for recurring schedules), was \"" + key + '"');
        }
        return new Enqueue(at, delayMillis, key, priority);
    }

    /**
     * With this priority instead of its task's ({@link Task#priority(int)}): among the due tasks of a lane, a claim
     * takes those of priority 0 first, then 1, 2 and 3, each in due order. A retry of the task keeps it.
     *
     * @param priority {@value Task#HIGHEST_PRIORITY} (first) to {@value Task#LOWEST_PRIORITY} (last)
     * @throws IllegalArgumentException when it is outside that range
     */
    public Enqueue priority(int priority) {
        return new Enqueue(at, delayMillis, key, Task.checkPriority(priority, "priority"));
    }

    /** The priority of {@code task}'s task enqueued with these options: this one's if set, else the task's. */
    int priority(Task<?> task) {
        return priority != null ? priority : task.priority();
    }

    /**
     * Refuses a key that {@link #key(String)} would refuse for its length or its text (not for its prefix), also when
     * it names a task to look up or cancel: such a key is never pending, and half of a surrogate pair would be sent
     * as {@code ?} and match another task's key.
     *
     * @param outcome what was not done, for the message about its text ("nothing was written")
     * @throws IllegalArgumentException naming {@code key}, also for null
     */
    static void checkKeyText(String key, String outcome) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key must be 1 to " + MAX_KEY_LENGTH + " characters, was "
                    + (key == null ? "null" : key.length() + " characters"));
        }
        // Half a surrogate pair would merge keys: the drivers write it as '?'.
        StoredText.require("key", key, outcome);
    }

    /** The due time, epoch ms, for an enqueue at {@code nowMillis}; {@code TaskStore.AT_ONCE} for one due at once. */
    long dueAt(long nowMillis) {
        if (at != null) {
            return at.toEpochMilli();
        }
        if (delayMillis == 0) {
            return TaskStore.AT_ONCE;
        }
        long due = nowMillis + delayMillis;
        return due < nowMillis ? Long.MAX_VALUE : due; // saturate
    }

    /** The key, or null. */
    String uniqueKey() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Enqueue e && Objects.equals(at, e.at) && delayMillis == e.delayMillis
                && Objects.equals(key, e.key) && Objects.equals(priority, e.priority);
    }

    @Override
    public int hashCode() {
        return Objects.hash(at, delayMillis, key, priority);
    }

    @Override
    public String toString() {
        String when = at != null ? "at(" + at + ")" : delayMillis == 0 ? "now()"
                : "after(" + Duration.ofMillis(delayMillis) + ")";
        return "Enqueue." + when + (key == null ? "" : ".key(\"" + key + "\")")
                + (priority == null ? "" : ".priority(" + priority + ")");
    }
}
