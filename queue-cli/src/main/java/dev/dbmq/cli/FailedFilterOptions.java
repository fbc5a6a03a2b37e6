package dev.dbmq.cli;

import dev.dbmq.FailedFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The filter options of {@code failed list | requeue | delete}: every one given must hold. */
final class FailedFilterOptions {

    /** The options, as the help lists them. */
    private static final List<Opt> OPTIONS = List.of(
            Opt.value("--name", "TASK", "Only tasks of this name."),
            Opt.value("--reason", "TEXT",
                    "Only tasks whose failure reason contains this text (case-sensitive, literal)."),
            Opt.value("--failed-after", "TIME", "Only tasks that failed at or after TIME: ISO-8601"
                    + " (2026-03-01T12:00:00Z) or a duration ago (7d, 2h, 30m)."),
            Opt.value("--failed-before", "TIME", "Only tasks that failed before TIME: ISO-8601 or a duration ago."),
            Opt.repeatable("--id", "ID", "Only the failed task with this id (repeatable)."));

    /** The filter options, then {@code more}: a command's options. */
    static Opt[] with(Opt... more) {
        List<Opt> all = new ArrayList<>(OPTIONS);
        all.addAll(List.of(more));
        return all.toArray(Opt[]::new);
    }

    private final String name;
    private final String reason;
    private final Instant failedAfter;
    private final Instant failedBefore;
    private final List<Long> ids;

    /** The filter options given; a value that is not a time or a number is bad usage. */
    FailedFilterOptions(Arguments arguments) {
        name = arguments.value("--name");
        reason = arguments.value("--reason");
        failedAfter = arguments.instant("--failed-after");
        failedBefore = arguments.instant("--failed-before");
        ids = arguments.longs("--id");
    }

    /** Whether no filter option was given: the filter matches every kept failed task. */
    boolean isEmpty() {
        return name == null && reason == null && failedAfter == null && failedBefore == null
                && ids.isEmpty();
    }

    /**
     * The options as the queue's filter.
     *
     * @throws IllegalArgumentException as {@link FailedFilter} refuses a value (empty text, too many ids)
     */
    FailedFilter filter() {
        FailedFilter f = FailedFilter.all();
        if (name != null) {
            f = f.taskName(name);
        }
        if (reason != null) {
            f = f.reasonContains(reason);
        }
        if (failedAfter != null) {
            f = f.failedAfter(failedAfter);
        }
        if (failedBefore != null) {
            f = f.failedBefore(failedBefore);
        }
        if (!ids.isEmpty()) {
            f = f.ids(ids);
        }
        return f;
    }

    /** The options given, as typed, for messages; "" when none. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (name != null) {
            parts.add("--name " + name);
        }
        if (reason != null) {
            parts.add("--reason '" + reason + "'");
        }
        if (failedAfter != null) {
            parts.add("--failed-after " + failedAfter);
        }
        if (failedBefore != null) {
            parts.add("--failed-before " + failedBefore);
        }
        ids.forEach(id -> parts.add("--id " + id));
        return String.join(" ", parts);
    }
}
