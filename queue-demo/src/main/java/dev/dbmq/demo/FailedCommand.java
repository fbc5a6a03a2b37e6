package dev.dbmq.demo;

import dev.dbmq.FailedTask;
import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "failed", description = "The kept failed tasks: list them, or requeue one.",
        subcommands = {FailedCommand.ListFailed.class, FailedCommand.Requeue.class})
final class FailedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: `list` or `requeue <id>`");
    }

    @Command(name = "list", description = "Lists the most recently failed tasks, newest first.")
    static final class ListFailed implements Callable<Integer> {

        @Spec
        CommandSpec spec;
        @Mixin
        DbOptions db;

        int limit = 20;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
                description = "How many to list, 1 to 1000 (default: ${DEFAULT-VALUE}).")
        void limit(int limit) {
            if (limit < 1 || limit > 1000) {
                throw new ParameterException(spec.commandLine(), "--limit must be from 1 to 1000, was " + limit);
            }
            this.limit = limit;
        }

        @Override
        public Integer call() {
            List<FailedTask> failed;
            long kept;
            try (TaskQueue queue = db.openExisting()) {
                failed = queue.failedTasks(limit);
                kept = Math.max(failed.size(), queue.stats().failedKept()); // a foreman may add some in between
            }
            PrintWriter out = spec.commandLine().getOut();
            if (failed.isEmpty()) {
                out.println("no failed tasks");
                return 0;
            }
            out.printf("%-10s %-8s %-24s %s%n", "id", "task", "failed at", "reason");
            for (FailedTask f : failed) {
                out.printf("%-10d %-8s %-24s %s%n", f.id(), f.taskName(), f.failedAt(), f.reason());
            }
            out.printf("showing %d of %d failed tasks, newest first%s%n", failed.size(), kept,
                    failed.size() < kept ? " (--limit N shows more)" : "");
            return 0;
        }
    }

    @Command(name = "requeue", description = "Puts a failed task back in the queue, as a new task.")
    static final class Requeue implements Callable<Integer> {

        @Spec
        CommandSpec spec;
        @Mixin
        DbOptions db;

        @Parameters(paramLabel = "ID", description = "The failed task's id, from `failed list`.")
        long id;

        @Override
        public Integer call() {
            OptionalLong newId;
            try (TaskQueue queue = db.openExisting()) {
                newId = queue.requeueFailed(id);
            }
            if (newId.isEmpty()) {
                spec.commandLine().getErr().println("error: no failed task with id " + id
                        + " (see `failed list`)");
                return 1;
            }
            spec.commandLine().getOut().println("requeued failed task " + id + " as task " + newId.getAsLong());
            return 0;
        }
    }
}
