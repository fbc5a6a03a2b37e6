package dev.dbmq.demo;

import dev.dbmq.QueueStats;
import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "status", description = "Prints the queue's depth, oldest task age, and per-task done/failed counts.")
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
        out.printf("oldest task  %s%n", stats.pending() == 0 ? "-"
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
}
