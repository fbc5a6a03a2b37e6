package dev.dbmq;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which pending tasks (first attempts, and retries waiting for their backoff) a bulk cancel or a listing touches:
 * every condition set must hold. Immutable; each method returns a new filter. A recurring schedule's instance is
 * never matched: cancelling it would stop the schedule until a foreman that has it starts again, which
 * {@link TaskQueue#unschedule} says outright.
 *
 * <pre>{@code
 * int cancelled = queue.cancelPending(PendingFilter.all().taskName("trial-reminder").keyPrefix("trial:"));
 * }</pre>
 *
 * @param taskName  only tasks of this name, or any
 * @param keyPrefix only tasks holding a {@link Enqueue#key key} that starts with this text, or any (a retry holds no
 *                  key, so a key prefix matches first attempts only)
 * @param dueFrom   only tasks due at or after this instant, or any
 * @param dueBefore only tasks due before this instant, or any
 * @param ids       only the tasks with these ids, or any; at most {@link FailedFilter#MAX_IDS}
 */
public record PendingFilter(Optional<String> taskName, Optional<String> keyPrefix, Optional<Instant> dueFrom,
                            Optional<Instant> dueBefore, Optional<Set<Long>> ids) {

    private static final PendingFilter ALL = new PendingFilter(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public PendingFilter {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(dueFrom, "dueFrom");
        Objects.requireNonNull(dueBefore, "dueBefore");
        ids = Objects.requireNonNull(ids, "ids").map(FilterChecks::idSet);
        taskName.ifPresent(n -> FilterChecks.text("taskName", n));
        keyPrefix.ifPresent(PendingFilter::checkKeyPrefix);
    }

    /** Every pending task but recurring schedules' instances. */
    public static PendingFilter all() {
        return ALL;
    }

    /** Only tasks named {@code name} (a {@link Task#name()}). */
    public PendingFilter taskName(String name) {
        return new PendingFilter(Optional.of(FilterChecks.text("taskName", name)), keyPrefix, dueFrom, dueBefore, ids);
    }

    /**
     * Only tasks whose key starts with {@code prefix}: a range of the key index.
     *
     * @throws IllegalArgumentException when {@code prefix} is empty or starts with {@code dbmq:} (reserved for
     *                                  recurring schedules)
     */
    public PendingFilter keyPrefix(String prefix) {
        return new PendingFilter(taskName, Optional.of(checkKeyPrefix(prefix)), dueFrom, dueBefore, ids);
    }

    /** Only tasks due at or after {@code instant}. */
    public PendingFilter dueAfter(Instant instant) {
        return new PendingFilter(taskName, keyPrefix, Optional.of(Objects.requireNonNull(instant, "dueAfter")),
                dueBefore, ids);
    }

    /** Only tasks due before {@code instant}. */
    public PendingFilter dueBefore(Instant instant) {
        return new PendingFilter(taskName, keyPrefix, dueFrom,
                Optional.of(Objects.requireNonNull(instant, "dueBefore")), ids);
    }

    /** Only tasks due at or after {@code from} and before {@code to}. */
    public PendingFilter dueBetween(Instant from, Instant to) {
        return dueAfter(from).dueBefore(to);
    }

    /**
     * Only the tasks with these ids, as {@link TaskQueue#enqueue} returned them; ids of tasks not pending are passed
     * over.
     *
     * @throws IllegalArgumentException when there are none or more than {@link FailedFilter#MAX_IDS}
     */
    public PendingFilter ids(Collection<Long> ids) {
        return new PendingFilter(taskName, keyPrefix, dueFrom, dueBefore, Optional.of(Set.copyOf(ids)));
    }

    /** As {@link #ids(Collection)}. */
    public PendingFilter ids(long... ids) {
        return ids(java.util.Arrays.stream(ids).boxed().toList());
    }

    private static String checkKeyPrefix(String prefix) {
        FilterChecks.text("keyPrefix", prefix);
        if (prefix.startsWith(Enqueue.RESERVED_KEY_PREFIX)) {
            throw new IllegalArgumentException("keyPrefix must not start with \"" + Enqueue.RESERVED_KEY_PREFIX
                    + "\" (reserved for recurring schedules: unschedule(scheduleName) removes one), was \"" + prefix
                    + "\"");
        }
        return prefix;
    }

    @Override
    public String toString() {
        List<String> parts = new java.util.ArrayList<>();
        taskName.ifPresent(n -> parts.add("taskName=" + n));
        keyPrefix.ifPresent(k -> parts.add("keyPrefix=" + k));
        dueFrom.ifPresent(f -> parts.add("dueFrom=" + f));
        dueBefore.ifPresent(b -> parts.add("dueBefore=" + b));
        ids.ifPresent(i -> parts.add("ids=" + new TreeSet<>(i)));
        return "PendingFilter" + (parts.isEmpty() ? ".all()" : parts.toString());
    }
}
