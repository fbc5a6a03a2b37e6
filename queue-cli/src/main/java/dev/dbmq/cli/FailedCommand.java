package dev.dbmq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmq.FailedFilter;
import dev.dbmq.FailedTask;
import dev.dbmq.TaskQueue;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code dbmq failed list | requeue | delete}: the kept failed tasks, chosen by the same filters. A bulk change
 * ({@code requeue}, {@code delete}) without a filter must say {@code --all}: a forgotten filter is the costly mistake,
 * and one word makes "every task" deliberate. Each bulk change is one transaction: all matching tasks or none.
 */
final class FailedCommand {

    static final CommandSpec SPEC = CommandSpec.group("dbmq failed")
            .summary("The kept failed tasks: list, requeue, delete.")
            .description("The kept failed tasks: list them, put them back in the queue, or delete them.")
            .subcommands(ListFailed.SPEC, Requeue.SPEC, Delete.SPEC);

    private FailedCommand() {
    }

    /** Refuses a filter the queue refuses, as bad usage. */
    static FailedFilter filterOf(FailedFilterOptions options, QueueCommand command) {
        try {
            return options.filter();
        } catch (IllegalArgumentException e) {
            throw command.usage(e.getMessage());
        }
    }

    /** A bulk change's usage: a filter or --all, not both. */
    static void requireFilterOrAll(FailedFilterOptions options, boolean all, QueueCommand command, String verb) {
        if (options.isEmpty() && !all) {
            throw command.usage(verb + " needs a filter (--name, --reason, --failed-after, --failed-before, --id), or"
                    + " --all to " + verb + " every kept failed task; nothing was changed");
        }
        if (!options.isEmpty() && all) {
            throw command.usage("--all and a filter exclude each other (" + options.describe() + "); nothing was"
                    + " changed");
        }
        filterOf(options, command);
    }

    /** {@code failed list}. */
    static final class ListFailed extends QueueCommand {

        static final int MAX_LIMIT = 10_000;
        /** The reason's first line, up to this many characters, in the text table; JSON has it whole. */
        static final int REASON_WIDTH = 100;

        static final CommandSpec SPEC = CommandSpec.command("dbmq failed list", ListFailed::new)
                .summary("Lists the kept failed tasks matching the filters, newest first.")
                .description("Lists the kept failed tasks matching the filters, newest first.")
                .options(FailedFilterOptions.with(
                        Opt.value("--limit", "N", "List at most N, 1 to " + MAX_LIMIT + " (default: 50).")));

        private final FailedFilterOptions options;
        private final int limit;

        ListFailed(Arguments arguments) {
            super(arguments);
            options = new FailedFilterOptions(arguments);
            Integer given = arguments.integer("--limit");
            limit = given == null ? 50 : given;
            if (limit < 1 || limit > MAX_LIMIT) {
                throw usage("--limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
            }
            filterOf(options, this);
        }

        @Override
        int run(TaskQueue queue, Output out) {
            FailedFilter filter = options.filter();
            List<FailedTask> failed = queue.failedTasks(filter, limit);
            // counted after listing: a foreman may keep more meanwhile, never fewer than listed
            int matching = Math.max(failed.size(), queue.countFailed(filter));
            if (out.json()) {
                ArrayNode list = Output.array();
                for (FailedTask f : failed) {
                    list.addObject()
                            .put("id", f.id())
                            .put("taskName", f.taskName())
                            .put("attempts", f.attempts())
                            .put("createdAt", Output.iso(f.createdAt()))
                            .put("failedAt", Output.iso(f.failedAt()))
                            .put("reason", f.reason());
                }
                ObjectNode root = Output.object().put("queue", out.queue()).put("matching", matching);
                root.set("failed", list);
                out.print(root);
                return Main.OK;
            }
            if (failed.isEmpty()) {
                out.out().println(options.isEmpty() ? "no failed tasks kept" : "no kept failed task matches");
                return Main.OK;
            }
            TextTable table = new TextTable("id>", "task", "attempts>", "failed at", "reason");
            for (FailedTask f : failed) {
                table.row(f.id(), f.taskName(), f.attempts(), f.failedAt().truncatedTo(ChronoUnit.SECONDS),
                        firstLine(f.reason()));
            }
            table.print(out.out());
            out.out().printf("%d of %d matching, newest first%s%n", failed.size(), matching,
                    failed.size() < matching ? " (--limit N lists more)" : "");
            return Main.OK;
        }

        static String firstLine(String reason) {
            if (reason == null) {
                return "";
            }
            int nl = reason.indexOf('\n');
            String line = (nl < 0 ? reason : reason.substring(0, nl)).strip();
            return line.length() <= REASON_WIDTH && nl < 0 ? line
                    : line.substring(0, Math.min(line.length(), REASON_WIDTH)) + " …";
        }
    }

    /** {@code failed requeue}. */
    static final class Requeue extends QueueCommand {

        static final CommandSpec SPEC = CommandSpec.command("dbmq failed requeue", Requeue::new)
                .summary("Puts the kept failed tasks matching the filters back in the queue.")
                .description("Puts the kept failed tasks matching the filters back in the queue, each as a new task"
                                + " (a new id) due now, all in one transaction; prints how many.",
                        "Without a filter, --all is required.")
                .options(FailedFilterOptions.with(
                        Opt.flag("--all", "Requeue every kept failed task (instead of a filter).")));

        private final FailedFilterOptions options;

        Requeue(Arguments arguments) {
            super(arguments);
            options = new FailedFilterOptions(arguments);
            requireFilterOrAll(options, arguments.flag("--all"), this, "requeue");
        }

        @Override
        int run(TaskQueue queue, Output out) {
            int requeued = queue.requeueFailed(options.filter());
            if (out.json()) {
                out.print(Output.object().put("queue", out.queue()).put("requeued", requeued));
            } else {
                out.out().printf("requeued %d failed task%s%n", requeued, requeued == 1 ? "" : "s");
            }
            return Main.OK;
        }
    }

    /** {@code failed delete}. */
    static final class Delete extends QueueCommand {

        static final CommandSpec SPEC = CommandSpec.command("dbmq failed delete", Delete::new)
                .summary("Deletes the kept failed tasks matching the filters.")
                .description("Deletes the kept failed tasks matching the filters, in one statement; prints how many.",
                        "Without a filter, --all is required.")
                .options(FailedFilterOptions.with(
                        Opt.flag("--all", "Delete every kept failed task (instead of a filter).")));

        private final FailedFilterOptions options;

        Delete(Arguments arguments) {
            super(arguments);
            options = new FailedFilterOptions(arguments);
            requireFilterOrAll(options, arguments.flag("--all"), this, "delete");
        }

        @Override
        int run(TaskQueue queue, Output out) {
            int deleted = queue.deleteFailed(options.filter());
            if (out.json()) {
                out.print(Output.object().put("queue", out.queue()).put("deleted", deleted));
            } else {
                out.out().printf("deleted %d failed task%s%n", deleted, deleted == 1 ? "" : "s");
            }
            return Main.OK;
        }
    }
}
