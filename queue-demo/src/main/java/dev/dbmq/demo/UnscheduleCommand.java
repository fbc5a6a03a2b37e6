package dev.dbmq.demo;

import dev.dbmq.TaskQueue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "unschedule", description = {
        "Removes a recurring schedule: deletes its pending instance, so no tick of it starts after this.",
        "A foreman that registers the schedule writes it again when it starts. Exits 1 when the schedule has no"
                + " pending instance."})
final class UnscheduleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    DbOptions db;

    @Parameters(paramLabel = "NAME", description = "The schedule's name, as Foreman.Builder.recurring registered it.")
    String name;

    @Override
    public Integer call() {
        boolean removed;
        try (TaskQueue queue = db.openExisting()) {
            try {
                removed = queue.unschedule(name);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (!removed) {
            spec.commandLine().getErr().println("error: recurring schedule " + name + " has no pending instance"
                    + " (never registered, or removed already)");
            return 1;
        }
        spec.commandLine().getOut().println("removed recurring schedule " + name + "; a foreman that registers it"
                + " writes it again when it starts");
        return 0;
    }
}
