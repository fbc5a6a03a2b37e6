package dev.dbmq.cli;

import dev.dbmq.PendingFilter;
import dev.dbmq.TaskQueue;
import java.time.Instant;

/**
 * {@code dbmq cancel ID} or {@code dbmq cancel --name … --key-prefix … --due-after … --due-before …}: one task by its
 * id (pending: it never runs; running: it is asked to stop), or the pending tasks matching filters, in one statement.
 * As with {@code failed requeue}, a bulk cancel without a filter must say {@code --all}.
 */
final class CancelCommand extends QueueCommand {

    static final CommandSpec SPEC = CommandSpec.command("dbmq cancel", CancelCommand::new)
            .summary("Cancels one task by id, or the pending tasks matching filters.")
            .description("Cancels one task by its id: pending, it will never run; running, it is asked to stop (its"
                            + " foreman sees it within about a second).",
                    "Or cancels every pending task matching the filters (first attempts, and retries waiting for"
                            + " their backoff; never a recurring schedule's next tick), all in one statement; prints"
                            + " how many. Running tasks are not touched. Without a filter, --all is required.")
            .parameter("ID", "The task's id, as enqueue returned it.")
            .options(Opt.value("--name", "TASK", "Only pending tasks of this name."),
                    Opt.value("--key-prefix", "PREFIX",
                            "Only pending tasks whose key starts with PREFIX (a retry holds no key)."),
                    Opt.value("--due-after", "TIME", "Only tasks due at or after TIME: ISO-8601, a duration ago"
                            + " (2h) or from now (+2h)."),
                    Opt.value("--due-before", "TIME", "Only tasks due before TIME: ISO-8601, a duration ago (2h) or"
                            + " from now (+2h)."),
                    Opt.flag("--all", "Cancel every pending task (instead of a filter)."))
            .exitCodes("0  cancelled (bulk: however many matched, 0 included)",
                    "1  cancel ID: no pending or running task has that id",
                    "2  bad usage, no queue at --db, or the database could not be read");

    private final Long id;
    private final String name;
    private final String keyPrefix;
    private final Instant dueAfter;
    private final Instant dueBefore;
    private final boolean all;

    CancelCommand(Arguments arguments) {
        super(arguments);
        id = arguments.parameterAsLong();
        name = arguments.value("--name");
        keyPrefix = arguments.value("--key-prefix");
        dueAfter = arguments.instant("--due-after");
        dueBefore = arguments.instant("--due-before");
        all = arguments.flag("--all");
        boolean hasFilter = name != null || keyPrefix != null || dueAfter != null || dueBefore != null;
        if (id != null && (hasFilter || all)) {
            throw usage("cancel ID cancels one task: leave out the filters and --all; nothing was cancelled");
        }
        if (id == null && !hasFilter && !all) {
            throw usage("cancel needs an ID, a filter (--name, --key-prefix, --due-after, --due-before), or --all to"
                    + " cancel every pending task; nothing was cancelled");
        }
        if (all && hasFilter) {
            throw usage("--all and a filter exclude each other; nothing was cancelled");
        }
        if (id == null) {
            filter();
        }
    }

    private PendingFilter filter() {
        try {
            PendingFilter f = PendingFilter.all();
            if (name != null) {
                f = f.taskName(name);
            }
            if (keyPrefix != null) {
                f = f.keyPrefix(keyPrefix);
            }
            if (dueAfter != null) {
                f = f.dueAfter(dueAfter);
            }
            if (dueBefore != null) {
                f = f.dueBefore(dueBefore);
            }
            return f;
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    @Override
    int run(TaskQueue queue, Output out) {
        if (id != null) {
            boolean cancelled = queue.cancel(id);
            if (out.json()) {
                out.print(Output.object().put("queue", out.queue()).put("id", id).put("cancelled", cancelled));
            } else if (cancelled) {
                out.out().println("cancelled task " + id + " (if it was running, it is asked to stop)");
            } else {
                out.err().println("no pending or running task has id " + id + " (it finished, was kept as failed,"
                        + " or never existed)");
            }
            return cancelled ? Main.OK : Main.CHECK_FAILED;
        }
        int cancelled = queue.cancelPending(filter());
        if (out.json()) {
            out.print(Output.object().put("queue", out.queue()).put("cancelled", cancelled));
        } else {
            out.out().printf("cancelled %d pending task%s%n", cancelled, cancelled == 1 ? "" : "s");
        }
        return Main.OK;
    }
}
