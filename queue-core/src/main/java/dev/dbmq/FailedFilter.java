package dev.dbmq;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which kept failed tasks a bulk call or a listing touches: every condition set must hold. Immutable; each method
 * returns a new filter. {@link #all()} matches every kept failed task.
 *
 * <pre>{@code
 * int requeued = queue.requeueFailed(FailedFilter.all().taskName("send-email").reasonContains("timeout"));
 * int deleted = queue.deleteFailed(FailedFilter.all().failedBefore(Instant.now().minus(Duration.ofDays(7))));
 * }</pre>
 *
 * @param taskName       only tasks of this name, or any
 * @param reasonContains only tasks whose reason holds this text (case-sensitive, taken literally: no wildcards), or
 *                       any
 * @param failedFrom     only tasks kept at or after this instant, or any
 * @param failedBefore   only tasks kept before this instant, or any
 * @param ids            only the failed tasks with these ids (an operator's selection), or any; at most
 *                       {@link #MAX_IDS}
 */
public record FailedFilter(Optional<String> taskName, Optional<String> reasonContains, Optional<Instant> failedFrom,
                           Optional<Instant> failedBefore, Optional<Set<Long>> ids) {

    /** Most ids a filter may list: one statement binds them all, and every database takes this many. */
    public static final int MAX_IDS = 10_000;

    private static final FailedFilter ALL = new FailedFilter(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public FailedFilter {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(reasonContains, "reasonContains");
        Objects.requireNonNull(failedFrom, "failedFrom");
        Objects.requireNonNull(failedBefore, "failedBefore");
        ids = Objects.requireNonNull(ids, "ids").map(FilterChecks::idSet);
        reasonContains.ifPresent(r -> FilterChecks.text("reasonContains", r));
        taskName.ifPresent(n -> FilterChecks.text("taskName", n));
    }

    /** Every kept failed task. */
    public static FailedFilter all() {
        return ALL;
    }

    /** Only tasks named {@code name} (a {@link Task#name()}). */
    public FailedFilter taskName(String name) {
        return new FailedFilter(Optional.of(FilterChecks.text("taskName", name)), reasonContains, failedFrom,
                failedBefore, ids);
    }

    /** Only tasks whose reason contains {@code text}, literally (case-sensitive; {@code %} and {@code _} are text). */
    public FailedFilter reasonContains(String text) {
        return new FailedFilter(taskName, Optional.of(FilterChecks.text("reasonContains", text)), failedFrom,
                failedBefore, ids);
    }

    /** Only tasks kept at or after {@code instant}. */
    public FailedFilter failedAfter(Instant instant) {
        return new FailedFilter(taskName, reasonContains, Optional.of(Objects.requireNonNull(instant, "failedAfter")),
                failedBefore, ids);
    }

    /** Only tasks kept before {@code instant}. */
    public FailedFilter failedBefore(Instant instant) {
        return new FailedFilter(taskName, reasonContains, failedFrom,
                Optional.of(Objects.requireNonNull(instant, "failedBefore")), ids);
    }

    /** Only tasks kept at or after {@code from} and before {@code to}. */
    public FailedFilter failedBetween(Instant from, Instant to) {
        return failedAfter(from).failedBefore(to);
    }

    /**
     * Only the failed tasks with these ids ({@link FailedTask#id()}): an operator's selection. Ids that match no
     * kept failed task are passed over.
     *
     * @throws IllegalArgumentException when there are none or more than {@link #MAX_IDS}
     */
    public FailedFilter ids(Collection<Long> ids) {
        return new FailedFilter(taskName, reasonContains, failedFrom, failedBefore, Optional.of(Set.copyOf(ids)));
    }

    /** As {@link #ids(Collection)}. */
    public FailedFilter ids(long... ids) {
        return ids(java.util.Arrays.stream(ids).boxed().toList());
    }

    @Override
    public String toString() {
        List<String> parts = new java.util.ArrayList<>();
        taskName.ifPresent(n -> parts.add("taskName=" + n));
        reasonContains.ifPresent(r -> parts.add("reasonContains=" + r));
        failedFrom.ifPresent(f -> parts.add("failedFrom=" + f));
        failedBefore.ifPresent(b -> parts.add("failedBefore=" + b));
        ids.ifPresent(i -> parts.add("ids=" + new TreeSet<>(i)));
        return "FailedFilter" + (parts.isEmpty() ? ".all()" : parts.toString());
    }
}
