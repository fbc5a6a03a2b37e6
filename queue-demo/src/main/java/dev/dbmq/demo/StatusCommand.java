package dev.dbmq.demo;

import dev.dbmq.QueueStats;
import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "status", description = "Prints the queue's depth (due, scheduled, retrying), the next due time, the"
        + " oldest task age, and per-task done/failed counts.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    DbOptions db;

    @Override
    public Integer call() {
        QueueStats stats;
        try (TaskQueue queue = db.openExisting()) {
            stats = queue.stats();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("database     %s%n", db.db.toAbsolutePath());
        out.printf("pending      %d%s%n", stats.pending(), stats.pending() == 0 ? " (the queue is empty)" : "");
        out.printf("  due        %d%n", stats.due());
        out.printf("  scheduled  %d%n", stats.scheduled());
        out.printf("  retrying   %d (due or scheduled)%n", stats.retrying());
        out.printf("next due     %s%n", stats.nextDueAt()
                .map(at -> "in " + untilWords(Duration.between(Instant.now(), at)) + " (" + at.truncatedTo(ChronoUnit.SECONDS) + ")")
                .orElse("- (nothing scheduled)"));
        // the age of the most overdue due task: scheduled tasks are not waiting for a worker
        out.printf("oldest task  %s%n", stats.due() == 0 ? "-"
                : String.format("%.1f s", stats.oldestTaskAge().toMillis() / 1000.0));
        out.printf("failed kept  %d%n", stats.failedKept());
        if (stats.counts().isEmpty()) { // a table header with no rows reads like a bug
            out.printf("%nno task has run yet%n");
            return 0;
        }
        out.printf("%n%-12s %10s %10s%n", "task", "done", "failed");
        for (Map.Entry<String, QueueStats.TaskCounts> e : new TreeMap<>(stats.counts()).entrySet()) {
            out.printf("%-12s %10d %10d%n", e.getKey(), e.getValue().done(), e.getValue().failed());
        }
        return 0;
    }

    /** A wait as people read it: seconds under 100 s, then minutes, then hours; never negative. */
    static String untilWords(Duration wait) {
        long ms = Math.max(0, wait.toMillis());
        if (ms < 100_000) {
            return String.format("%.1f s", ms / 1000.0);
        }
        if (ms < 100 * 60_000) {
            return String.format("%.1f min", ms / 60_000.0);
        }
        return String.format("%.1f h", ms / 3_600_000.0);
    }
}
