package dev.dbmq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmq.ForemanInfo;
import dev.dbmq.TaskQueue;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** {@code dbmq foremen}: the live foremen of the queue, oldest first. */
final class ForemenCommand extends QueueCommand {

    static final CommandSpec SPEC = CommandSpec.command("dbmq foremen", ForemenCommand::new)
            .summary("The live foremen: host, workers, busy, state.")
            .description("The queue's live foremen, oldest first: id, host, process id, when it started, its"
                            + " workers, how many are busy, and its state (FAILED: a thread of it died; it claims no"
                            + " more).",
                    "Alive is the database's verdict (a lock the foreman's process holds), not a clock's. A foreman"
                            + " run by hand (ManualForeman) is not listed.");

    ForemenCommand(Arguments arguments) {
        super(arguments);
    }

    @Override
    int run(TaskQueue queue, Output out) {
        List<ForemanInfo> foremen = queue.foremen();
        if (out.json()) {
            ArrayNode list = Output.array();
            for (ForemanInfo f : foremen) {
                ObjectNode o = list.addObject();
                o.put("id", f.id());
                o.put("host", f.host());
                o.put("pid", f.pid());
                o.put("startedAt", Output.iso(f.startedAt()));
                o.put("workers", f.workers());
                o.put("busy", f.busy());
                o.put("state", f.state().name());
                ArrayNode handles = o.putArray("handles");
                f.handles().forEach(handles::add);
            }
            out.print(Output.object().put("queue", out.queue()).set("foremen", list));
            return Main.OK;
        }
        if (foremen.isEmpty()) {
            out.out().println("no live foremen");
            return Main.OK;
        }
        TextTable table = new TextTable("id", "host", "pid>", "started", "workers>", "busy>", "state");
        for (ForemanInfo f : foremen) {
            table.row(f.id(), f.host(), f.pid(), f.startedAt().truncatedTo(ChronoUnit.SECONDS), f.workers(), f.busy(),
                    f.state());
        }
        table.print(out.out());
        return Main.OK;
    }
}
