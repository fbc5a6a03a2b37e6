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

    private final String name;
    private final Class<A> argsType;
    private final Retry retry;
    private final Delivery delivery;
    private final String lane;

    private Task(String name, Class<A> argsType, Retry retry, Delivery delivery, String lane) {
        this.name = name;
        this.argsType = argsType;
        this.retry = retry;
        this.delivery = delivery;
        this.lane = lane;
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
        return new Task<>(name, argsType, Retry.none(), Delivery.AT_MOST_ONCE, DEFAULT_LANE);
    }

    /**
     * This task with a retry policy: what the foreman that runs it does when its handler throws. The foreman uses
     * the task it was given in {@link Foreman.Builder#handle}; producers may use either.
     */
    public Task<A> retry(Retry retry) {
        return new Task<>(name, argsType, Objects.requireNonNull(retry, "retry"), delivery, lane);
    }

    /**
     * This task with a delivery guarantee: what becomes of it when its foreman dies while it runs (see
     * {@link Delivery}). {@link Delivery#AT_LEAST_ONCE} needs a {@link #retry} policy with at least two attempts
     * (an interrupted attempt counts as one); a foreman refuses the task without one. The foreman uses the task it was
     * given in {@link Foreman.Builder#handle}.
     */
    public Task<A> delivery(Delivery delivery) {
        return new Task<>(name, argsType, retry, Objects.requireNonNull(delivery, "delivery"), lane);
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
        return new Task<>(name, argsType, retry, delivery, checkLane(lane, "lane"));
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

    /** Equal name and args type (the retry policy, delivery and lane are the foreman's business, not the identity). */
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
                + (lane.equals(DEFAULT_LANE) ? "" : ", lane " + lane) + "]";
    }
}
