package dev.dbmq.cli;

import dev.dbmq.FailedFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The filter options of {@code failed list | requeue | delete}: every one given must hold. */
final class FailedFilterOptions {

    @Option(names = "--name", paramLabel = "TASK", description = "Only tasks of this name.")
    String name;

    @Option(names = "--reason", paramLabel = "TEXT",
            description = "Only tasks whose failure reason contains this text (case-sensitive, literal).")
    String reason;

    @Option(names = "--failed-after", paramLabel = "TIME",
            description = "Only tasks that failed at or after TIME: ISO-8601 (2026-03-01T12:00:00Z) or a duration"
                    + " ago (7d, 2h, 30m).")
    Instant failedAfter;

    @Option(names = "--failed-before", paramLabel = "TIME",
            description = "Only tasks that failed before TIME: ISO-8601 or a duration ago.")
    Instant failedBefore;

    @Option(names = "--id", paramLabel = "ID", description = "Only the failed task with this id (repeatable).")
    List<Long> ids;

    /** Whether no filter option was given: the filter matches every kept failed task. */
    boolean isEmpty() {
        return name == null && reason == null && failedAfter == null && failedBefore == null
                && (ids == null || ids.isEmpty());
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
        if (ids != null && !ids.isEmpty()) {
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
        if (ids != null) {
            ids.forEach(id -> parts.add("--id " + id));
        }
        return String.join(" ", parts);
    }
}
