package dev.dbmq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmq.FinishedAttempt;
import dev.dbmq.TaskQueue;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** {@code dbmq history}: finished attempts, newest first, or one task's attempts, oldest first. */
final class HistoryCommand extends QueueCommand {

    static final CommandSpec SPEC = CommandSpec.command("dbmq history", HistoryCommand::new)
            .summary("Finished attempts, newest first; or one task's attempts.")
            .description("Finished attempts as the queue's history keeps them (QueueSettings.history, a day by"
                    + " default): the newest first, of every task or of one name; or, given a task id, that task's"
                    + " attempts, oldest first. Each: id, task, attempt, outcome (SUCCEEDED, RETRIED, FAILED,"
                    + " CANCELLED, SNOOZED, INTERRUPTED), started, how long it took, foreman, error.")
            .parameter("ID", "A task id: its attempts.")
            .options(Opt.value("--name", "NAME", "Only tasks of this name."),
                    Opt.value("--limit", "N", "At most N attempts, 1 to 10000 (default: 50)."));

    private final Long id;
    private final String name;
    private final int limit;

    HistoryCommand(Arguments arguments) {
        super(arguments);
        id = arguments.parameterAsLong();
        name = arguments.value("--name");
        Integer given = arguments.integer("--limit");
        limit = given == null ? 50 : given;
        if (limit < 1 || limit > 10_000) {
            throw usage("--limit must be between 1 and 10000, was " + limit);
        }
        if (id != null && name != null) {
            throw usage("give a task id or --name, not both");
        }
    }

    @Override
    int run(TaskQueue queue, Output out) {
        List<FinishedAttempt> attempts = id != null ? queue.history(id)
                : name != null ? queue.recentHistory(name, limit) : queue.recentHistory(limit);
        if (out.json()) {
            ArrayNode list = Output.array();
            for (FinishedAttempt a : attempts) {
                ObjectNode o = list.addObject();
                o.put("id", a.id());
                o.put("name", a.taskName());
                o.put("attempt", a.attempt());
                o.put("outcome", a.outcome().name());
                o.put("enqueuedAt", Output.iso(a.enqueuedAt()));
                o.put("startedAt", Output.iso(a.startedAt()));
                o.put("finishedAt", Output.iso(a.finishedAt()));
                o.put("tookMillis", a.took().toMillis());
                o.put("foremanId", a.foremanId().orElse(null));
                o.put("error", a.error().orElse(null));
            }
            out.print(Output.object().put("queue", out.queue()).set("attempts", list));
            return Main.OK;
        }
        if (attempts.isEmpty()) {
            out.out().println(id != null ? "no finished attempts of task " + id + " in the history"
                    : "no finished attempts in the history");
            return Main.OK;
        }
        TextTable table = new TextTable("id>", "task", "attempt>", "outcome", "started", "took>", "foreman", "error");
        for (FinishedAttempt a : attempts) {
            table.row(a.id(), a.taskName(), a.attempt(), a.outcome(), a.startedAt().truncatedTo(ChronoUnit.SECONDS),
                    a.took().toMillis() + " ms", a.foremanId().orElse(""),
                    FailedCommand.ListFailed.firstLine(a.error().orElse(null)));
        }
        table.print(out.out());
        return Main.OK;
    }
}
