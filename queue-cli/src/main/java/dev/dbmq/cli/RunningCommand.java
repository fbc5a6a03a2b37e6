package dev.dbmq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmq.RunningTask;
import dev.dbmq.TaskQueue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** {@code dbmq running}: the attempts running now on live foremen, the longest running first. */
final class RunningCommand extends QueueCommand {

    static final CommandSpec SPEC = CommandSpec.command("dbmq running", RunningCommand::new)
            .summary("The attempts running now, the longest running first.")
            .description("The attempts running now on the queue's live foremen, the longest running first: task id,"
                            + " name, attempt, foreman, when it started, and the progress and note its handler"
                            + " reported.",
                    "A foreman run by hand (ManualForeman) keeps no records: its attempts are not listed.");

    RunningCommand(Arguments arguments) {
        super(arguments);
    }

    @Override
    int run(TaskQueue queue, Output out) {
        List<RunningTask> running = queue.running();
        if (out.json()) {
            ArrayNode list = Output.array();
            for (RunningTask r : running) {
                ObjectNode o = list.addObject();
                o.put("id", r.id());
                o.put("taskName", r.taskName());
                o.put("attempt", r.attempt());
                o.put("foremanId", r.foremanId());
                o.put("startedAt", Output.iso(r.startedAt()));
                o.put("enqueuedAt", Output.iso(r.enqueuedAt()));
                if (r.progress().isPresent()) {
                    o.put("progress", r.progress().getAsDouble());
                } else {
                    o.putNull("progress");
                }
                o.put("note", r.note().orElse(null));
            }
            out.print(Output.object().put("queue", out.queue()).set("running", list));
            return Main.OK;
        }
        if (running.isEmpty()) {
            out.out().println("no attempts running");
            return Main.OK;
        }
        Instant now = now();
        TextTable table = new TextTable("id>", "task", "attempt>", "foreman", "started", "for>", "progress>", "note");
        for (RunningTask r : running) {
            table.row(r.id(), r.taskName(), r.attempt(), r.foremanId(), r.startedAt().truncatedTo(ChronoUnit.SECONDS),
                    TimeText.words(Duration.between(r.startedAt(), now)),
                    r.progress().isPresent()
                            ? String.format(Locale.ROOT, "%.0f%%", r.progress().getAsDouble() * 100) : null,
                    r.note().orElse(null));
        }
        table.print(out.out());
        return Main.OK;
    }
}
