package dev.dbmq;

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

    /** {@link #limit()} of a task type without one: {@value}. */
    public static final int NO_LIMIT = 0;

    /** The largest {@link #limit(int)} accepted: {@value}. */
    public static final int MAX_LIMIT = 1_000_000;

    private Task(String name, Class<A> argsType, Retry retry, Delivery delivery, String lane, int priority,
                 int limit) {
        this.name = name;
        this.argsType = argsType;
        this.retry = retry;
        this.delivery = delivery;
        this.lane = lane;
        this.priority = priority;
        this.limit = limit;
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
                NO_LIMIT);
    }

    /**
     * This task with a retry policy: what the foreman that runs it does when its handler throws. The foreman uses
     * the task it was given in {@link Foreman.Builder#handle}; producers may use either.
     */
    public Task<A> retry(Retry retry) {
        return new Task<>(name, argsType, Objects.requireNonNull(retry, "retry"), delivery, lane, priority,
                limit);
    }

    /**
     * This task with a delivery guarantee: what becomes of it when its foreman dies while it runs (see
     * {@link Delivery}). {@link Delivery#AT_LEAST_ONCE} needs a {@link #retry} policy with at least two attempts
     * (an interrupted attempt counts as one); a foreman refuses the task without one. The foreman uses the task it was
     * given in {@link Foreman.Builder#handle}.
     */
    public Task<A> delivery(Delivery delivery) {
        return new Task<>(name, argsType, retry, Objects.requireNonNull(delivery, "delivery"), lane, priority,
                limit);
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
        return new Task<>(name, argsType, retry, delivery, checkLane(lane, "lane"), priority, limit);
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
        return new Task<>(name, argsType, retry, delivery, lane, checkPriority(priority, "priority"), limit);
    }

    /**
     * This task with a concurrency limit: at most {@code limit} of its tasks run at once, across every foreman of the
     * queue. The rest wait, queued (never failed), and start as running ones end. Counted from the running tasks'
     * records ({@code TaskQueue.running()}), so the tasks of a foreman that died hold their places until its death is
     * known (PostgreSQL: its liveness lock free, within about a second; SQLite: the next foreman's start), never past
     * the limit. A property of the type, like its handler: the foreman uses the task it was given in
     * {@link Foreman.Builder#handle}. Costs each task one more write, when it ends (the end of its record), and on
     * PostgreSQL serializes the claims of its type's lane (a transaction lock while a claim counts); a producer of
     * the same JVM never hands a limited task straight to a worker.
     *
     * @param limit 1 to {@value #MAX_LIMIT}
     * @throws IllegalArgumentException when it is outside that range
     */
    public Task<A> limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
        return new Task<>(name, argsType, retry, delivery, lane, priority, limit);
    }

    /** The concurrency limit, or {@value #NO_LIMIT} for none (the default). */
    public int limit() {
        return limit;
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
     * Equal name and args type (the retry policy, delivery, lane, priority and limit are how it runs, not what it
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
                + (limit == NO_LIMIT ? "" : ", limit " + limit) + "]";
    }
}
