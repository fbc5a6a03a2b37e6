package dev.dbmq;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A kind of task: its name, stored with each enqueued task and used by the foreman to pick the handler, and the type
 * of its arguments, a record (or any Jackson-serialisable class) written to the database as JSON.
 *
 * <p>Declare each task once, as a constant shared by producer and foreman:
 * <pre>{@code
 * record Digest(long eventId) {}
 * static final Task<Digest> DIGEST = Task.of("digest", Digest.class)
 *         .retry(Retry.exponential(Duration.ofSeconds(1), 5)); // optional: the default is Retry.none()
 * record Charge(String orderId) {}
 * static final Task<Charge> CHARGE = Task.of("charge", Charge.class)
 *         .delivery(Delivery.AT_LEAST_ONCE)                     // runs again if its foreman dies while it runs
 *         .retry(Retry.exponential(Duration.ofSeconds(1), 5));
 * }</pre>
 *
 * @param <A> the arguments' type
 */
public final class Task<A> {

    /** Longest task name accepted. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");

    /** The lane of a task that names none: {@value}. */
    public static final String DEFAULT_LANE = "default";

    /** Longest lane name accepted. */
    public static final int MAX_LANE_LENGTH = 100;

    /** The priority that runs first: {@value}. */
    public static final int HIGHEST_PRIORITY = 0;

    /** The priority of a task that names none: {@value}. */
    public static final int DEFAULT_PRIORITY = 1;

    /** The priority that runs last: {@value}. */
    public static final int LOWEST_PRIORITY = 3;

    private final String name;
    private final Class<A> argsType;
    private final Retry retry;
    private final Delivery delivery;
    private final String lane;
    private final int priority;
    private final int limit; // NO_LIMIT: none
    private final Rate rate; // null: none
    private final KeyLimit<A> keyLimit; // null: none

    /** {@link #limit()} of a task type without one: {@value}. */
    public static final int NO_LIMIT = 0;

    /** The largest {@link #limit(int)} accepted: {@value}. */
    public static final int MAX_LIMIT = 1_000_000;

    private Task(String name, Class<A> argsType, Retry retry, Delivery delivery, String lane, int priority,
                 int limit, Rate rate, KeyLimit<A> keyLimit) {
        this.name = name;
        this.argsType = argsType;
        this.retry = retry;
        this.delivery = delivery;
        this.lane = lane;
        this.priority = priority;
        this.limit = limit;
        this.rate = rate;
        this.keyLimit = keyLimit;
    }

    /**
     * Declares a task.
     *
     * @param name 1 to {@value #MAX_NAME_LENGTH} characters: letters, digits, and {@code _ . : -} after the first
     * @throws IllegalArgumentException when the name is not such a name
     */
    public static <A> Task<A> of(String name, Class<A> argsType) {
        Objects.requireNonNull(argsType, "argsType");
        if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name must be 1 to " + MAX_NAME_LENGTH
                    + " characters of [A-Za-z0-9_.:-], starting with a letter or digit, was "
                    + (name == null ? "null" : '"' + name + '"'));
        }
        return new Task<>(name, argsType, Retry.none(), Delivery.AT_MOST_ONCE, DEFAULT_LANE, DEFAULT_PRIORITY,
                NO_LIMIT, null, null);
    }

    /**
     * This task with a retry policy: what the foreman that runs it does when its handler throws. The foreman uses
     * the task it was given in {@link Foreman.Builder#handle}; producers may use either.
     */
    public Task<A> retry(Retry retry) {
        return new Task<>(name, argsType, Objects.requireNonNull(retry, "retry"), delivery, lane, priority,
                limit, rate, keyLimit);
    }

    /**
     * This task with a delivery guarantee: what becomes of it when its foreman dies while it runs (see
     * {@link Delivery}). {@link Delivery#AT_LEAST_ONCE} needs a {@link #retry} policy with at least two attempts
     * (an interrupted attempt counts as one); a foreman refuses the task without one. The foreman uses the task it was
     * given in {@link Foreman.Builder#handle}.
     */
    public Task<A> delivery(Delivery delivery) {
        return new Task<>(name, argsType, retry, Objects.requireNonNull(delivery, "delivery"), lane, priority,
                limit, rate, keyLimit);
    }

    /**
     * This task in a lane: a foreman runs each lane's tasks on workers of that lane's own ({@link Foreman.Builder#lane}),
     * so tasks of one lane, however many are due, never wait for workers busy with another's. A property of the task
     * type, like its handler, not stored with each task: a task runs in the lane its type is in on the foreman that
     * claims it. A foreman refuses to start with a handler in a lane it has no workers for.
     *
     * @param lane 1 to {@value #MAX_LANE_LENGTH} characters: letters, digits, and {@code _ . : -} after the first
     * @throws IllegalArgumentException when the name is not such a name
     */
    public Task<A> lane(String lane) {
        return new Task<>(name, argsType, retry, delivery, checkLane(lane, "lane"), priority, limit, rate,
                keyLimit);
    }

    /**
     * This task with a priority, stored with each task enqueued with it (unless {@link Enqueue#priority(int)} gives
     * another): among the due tasks of a lane, a claim takes those of priority 0 first, then 1, 2 and 3, each in due
     * order, so a task of a higher priority starts at the lane's next free worker however many of a lower one are
     * due. Retries keep the priority the task was enqueued with. A producer's task decides: give the producer's and
     * the foreman's constants the same priority.
     *
     * @param priority {@value #HIGHEST_PRIORITY} (first) to {@value #LOWEST_PRIORITY} (last);
     *                 {@value #DEFAULT_PRIORITY} unless set
     * @throws IllegalArgumentException when it is outside that range
     */
    public Task<A> priority(int priority) {
        return new Task<>(name, argsType, retry, delivery, lane, checkPriority(priority, "priority"), limit,
                rate, keyLimit);
    }

    /**
     * This task with a concurrency limit: at most {@code limit} of its tasks run at once, across every foreman of the
     * queue. The rest wait, queued (never failed), and start as running ones end. Counted from the running tasks'
     * records ({@code TaskQueue.running()}), so the tasks of a foreman that died hold their places until its death is
     * known (PostgreSQL: its liveness lock free, within about a second; SQLite: the next foreman's start), never past
     * the limit. A property of the type, like its handler: the foreman uses the task it was given in
     * {@link Foreman.Builder#handle}. On PostgreSQL a limit of up to 10,000 is a row per place, taken by claims with
     * {@code SKIP LOCKED} as tasks are, so foremen claim side by side; a larger one, or one with a rate or a limit per
     * key, is counted under a transaction lock per type, and the claims of its lane take turns. A producer of the same
     * JVM never hands a limited task straight to a worker.
     *
     * @param limit 1 to {@value #MAX_LIMIT}
     * @throws IllegalArgumentException when it is outside that range
     */
    public Task<A> limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
        return new Task<>(name, argsType, retry, delivery, lane, priority, limit, rate, keyLimit);
    }

    /** The concurrency limit, or {@value #NO_LIMIT} for none (the default). */
    public int limit() {
        return limit;
    }

    /** The longest key {@link #limitBy} may give: keys are stored with each task and indexed. */
    public static final int MAX_LIMIT_KEY_LENGTH = 200;

    /** A limit per key: at most {@code limit} tasks whose args give the same {@code key} run at once. */
    private record KeyLimit<A>(java.util.function.Function<? super A, ?> key, int limit) {
    }

    /**
     * A concurrency limit per key of the args: at most {@code limit} tasks of this type whose args give the same key
     * run at once, across all foremen, and keys take turns, so one key's backlog (one customer's 100,000 exports)
     * cannot hold back another key's first task. The key is computed when a task is enqueued and stored with it, as
     * its {@code toString()} (a {@code String}, a number, a UUID); within a key tasks run by priority, then due time.
     * Works with {@link #limit} (the type's total) and {@link #rate}. A task enqueued through a {@code Task} without
     * {@code limitBy} (an older producer during a deploy) has no key: a foreman with {@code limitBy} gives it its key
     * within seconds, before it runs.
     *
     * <pre>{@code
     * Task.of("export", Export.class).limitBy(Export::customerId, 1) // one export at a time per customer
     * }</pre>
     *
     * @param key   the args' key; must return non-null, at most {@value #MAX_LIMIT_KEY_LENGTH} characters as text
     * @param limit 1 to {@value #MAX_LIMIT}
     * @throws IllegalArgumentException when the limit is outside that range
     */
    public Task<A> limitBy(java.util.function.Function<? super A, ?> key, int limit) {
        Objects.requireNonNull(key, "key");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limitBy's limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
        return new Task<>(name, argsType, retry, delivery, lane, priority, this.limit, rate,
                new KeyLimit<>(key, limit));
    }

    /** The concurrency limit per key of {@link #limitBy}, or {@value #NO_LIMIT} for none (the default). */
    public int limitPerKey() {
        return keyLimit == null ? NO_LIMIT : keyLimit.limit();
    }

    /**
     * The {@link #limitBy} key of these args as stored, or null for a type without one. Calls the user's function:
     * whatever it throws, or a null or too long key, becomes an IllegalArgumentException naming the task.
     */
    String limitKeyOf(A args) {
        if (keyLimit == null) {
            return null;
        }
        Object key;
        try {
            key = keyLimit.key().apply(args);
        } catch (Throwable t) {
            throw new IllegalArgumentException("task " + name + ": limitBy's key function threw " + t, t);
        }
        if (key == null) {
            throw new IllegalArgumentException("task " + name + ": limitBy's key function returned null; every task of a type with limitBy needs a key");
        }
        String text = key.toString();
        if (text == null || text.length() > MAX_LIMIT_KEY_LENGTH) {
            throw new IllegalArgumentException("task " + name + ": limitBy's key must be at most "
                    + MAX_LIMIT_KEY_LENGTH + " characters, was " + (text == null ? "null" : text.length()));
        }
        return text;
    }

    /**
     * A rate limit: at most {@code starts} starts in any window of {@code per}.
     *
     * @param starts 1 to {@value Task#MAX_LIMIT}
     * @param per    1 ms to 1 day, whole milliseconds
     */
    public record Rate(int starts, Duration per) {
        public Rate {
            Objects.requireNonNull(per, "per");
            if (starts < 1 || starts > MAX_LIMIT) {
                throw new IllegalArgumentException("rate's starts must be 1 to " + MAX_LIMIT + ", was " + starts);
            }
            if (per.compareTo(Duration.ofMillis(1)) < 0 || per.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("rate's per must be 1 ms to 1 day, was " + per);
            }
            if (per.getNano() % 1_000_000 != 0) {
                throw new IllegalArgumentException("rate's per must be whole milliseconds, was " + per);
            }
        }
    }

    /**
     * This task with a rate limit: at most {@code starts} of its tasks start in any window of {@code per}, across every
     * foreman of the queue, spaced evenly: the type has a slot every {@code (per + headroom) / starts}, and a backlog
     * starts one task per slot (a pace, not a budget spent at once; a type that started nothing within its last period
     * starts its first at once). A start is the claim that takes the task, recorded at the claiming foreman's clock;
     * the handler begins a moment later, and the headroom (1% of {@code per}, at least 20 ms, at most 10%) is for that
     * moment, so that the handlers' starts keep the rate too: at 100 per second a backlog runs at 98. A foreman with
     * nothing else to do sleeps until the next slot, then claims (no polling). The rest wait, queued. A property of the type, like its handler. Costs each claim of the type a count and a write
     * of its starts (schema versions 10 and 13); on PostgreSQL the type's claims take a transaction lock in turn, as
     * for {@link #limit(int)}, which it combines with: both hold.
     *
     * @param starts 1 to {@value #MAX_LIMIT}
     * @param per    1 ms to 1 day, whole milliseconds
     * @throws IllegalArgumentException when either is outside its range
     */
    public Task<A> rate(int starts, Duration per) {
        return new Task<>(name, argsType, retry, delivery, lane, priority, limit, new Rate(starts, per), keyLimit);
    }

    /** The rate limit; empty for none (the default). */
    public java.util.Optional<Rate> rate() {
        return java.util.Optional.ofNullable(rate);
    }

    /** The priority its tasks are enqueued with; {@value #DEFAULT_PRIORITY} unless set. */
    public int priority() {
        return priority;
    }

    /** A priority as {@link #priority(int)} accepts it, or an IllegalArgumentException naming {@code setting}. */
    static int checkPriority(int priority, String setting) {
        if (priority < HIGHEST_PRIORITY || priority > LOWEST_PRIORITY) {
            throw new IllegalArgumentException(setting + " must be " + HIGHEST_PRIORITY + " (runs first) to "
                    + LOWEST_PRIORITY + " (runs last), was " + priority);
        }
        return priority;
    }

    /** The lane; {@value #DEFAULT_LANE} unless set. */
    public String lane() {
        return lane;
    }

    /** A lane name as {@link #lane(String)} accepts it, or an IllegalArgumentException naming {@code setting}. */
    static String checkLane(String lane, String setting) {
        if (lane == null || lane.length() > MAX_LANE_LENGTH || !NAME.matcher(lane).matches()) {
            throw new IllegalArgumentException(setting + " must be 1 to " + MAX_LANE_LENGTH
                    + " characters of [A-Za-z0-9_.:-], starting with a letter or digit, was "
                    + (lane == null ? "null" : '"' + lane + '"'));
        }
        return lane;
    }

    /** The delivery guarantee; {@link Delivery#AT_MOST_ONCE} unless set. */
    public Delivery delivery() {
        return delivery;
    }

    /** The retry policy; {@link Retry#none()} unless set. */
    public Retry retry() {
        return retry;
    }

    public String name() {
        return name;
    }

    public Class<A> argsType() {
        return argsType;
    }

    /**
     * Equal name and args type (the retry policy, delivery, lane, priority and limits are how it runs, not what it
     * is).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Task<?> other && name.equals(other.name) && argsType.equals(other.argsType);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "Task[" + name + ", " + argsType.getName() + (retry.maxAttempts() == 1 ? "" : ", " + retry)
                + (delivery == Delivery.AT_MOST_ONCE ? "" : ", " + delivery)
                + (lane.equals(DEFAULT_LANE) ? "" : ", lane " + lane)
                + (priority == DEFAULT_PRIORITY ? "" : ", priority " + priority)
                + (limit == NO_LIMIT ? "" : ", limit " + limit)
                + (keyLimit == null ? "" : ", limit " + keyLimit.limit() + " per key")
                + (rate == null ? "" : ", rate " + rate.starts() + " per " + rate.per()) + "]";
    }
}
