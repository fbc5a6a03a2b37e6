package dev.dbmq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The handlers a foreman knows, by task name. Immutable once the foreman starts. */
final class Handlers {

    record Registration<A>(Task<A> task, ContextualTaskHandler<A> handler) {
    }

    private final Map<String, Registration<?>> byName = new LinkedHashMap<>();

    <A> void add(Task<A> task, TaskHandler<A> handler) {
        Objects.requireNonNull(handler, "handler");
        add(task, (ContextualTaskHandler<A>) (args, context) -> handler.handle(args));
    }

    <A> void add(Task<A> task, ContextualTaskHandler<A> handler) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(handler, "handler");
        if (task.delivery() == Delivery.AT_LEAST_ONCE && task.retry().maxAttempts() < 2) {
            throw new IllegalArgumentException("task " + task.name() + ": delivery AT_LEAST_ONCE runs an interrupted"
                    + " attempt again as the next attempt, and its retry (" + task.retry() + ") allows none: give it"
                    + " a retry policy with at least 2 attempts (Task.retry)");
        }
        if (byName.putIfAbsent(task.name(), new Registration<>(task, handler)) != null) {
            throw new IllegalArgumentException("a handler for task " + task.name() + " is already registered");
        }
    }

    Registration<?> find(String taskName) {
        return byName.get(taskName);
    }

    /** The task names, in registration order. */
    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The task names by lane ({@link Task#lane()}), lanes and names in registration order. */
    Map<String, List<String>> namesByLane() {
        Map<String, List<String>> lanes = new LinkedHashMap<>();
        byName.forEach((name, r) -> lanes.computeIfAbsent(r.task().lane(), l -> new java.util.ArrayList<>()).add(name));
        lanes.replaceAll((lane, names) -> List.copyOf(names));
        return lanes;
    }

    /** The concurrency limits of {@code names} that have one ({@link Task#limit()}), by name. */
    Map<String, Integer> limits(List<String> names) {
        return having(names, r -> r.task().limit() == Task.NO_LIMIT ? null : r.task().limit());
    }

    /** The registrations of those of {@code names} with a limit per key ({@link Task#limitBy}). */
    Map<String, Registration<?>> keyed(List<String> names) {
        return having(names, r -> r.task().limitPerKey() == Task.NO_LIMIT ? null : r);
    }

    /** The rate limits of {@code names} that have one ({@link Task#rate()}), by name. */
    Map<String, Task.Rate> rates(List<String> names) {
        return having(names, r -> r.task().rate().orElse(null));
    }

    /** What {@code of} gives for each of {@code names} registered here, by name, where it gives something (not null). */
    private <T> Map<String, T> having(List<String> names, java.util.function.Function<Registration<?>, T> of) {
        Map<String, T> found = new LinkedHashMap<>();
        for (String name : names) {
            Registration<?> r = byName.get(name);
            T value = r == null ? null : of.apply(r);
            if (value != null) {
                found.put(name, value);
            }
        }
        return Map.copyOf(found);
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    Handlers copy() {
        Handlers copy = new Handlers();
        copy.byName.putAll(byName);
        return copy;
    }

    @Override
    public String toString() {
        return byName.keySet().toString();
    }
}
