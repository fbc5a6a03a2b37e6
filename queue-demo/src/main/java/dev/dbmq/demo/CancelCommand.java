package dev.dbmq.demo;

import dev.dbmq.TaskQueue;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cancel", description = {
        "Cancels a task. Pending, by its id or by the key it holds: it will never run.",
        "Running, by its id: it is asked to stop (its foreman sees it within about a second).",
        "Exits 1 when nothing matches."})
final class CancelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    DbOptions db;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** One of the two. */
    static final class Target {

        @Parameters(paramLabel = "ID", description = "The task's id, as `enqueue` printed it.")
        Long id;

        @Option(names = "--key", paramLabel = "KEY", description = "The key the pending task holds (Enqueue.key).")
        String key;
    }

    @Override
    public Integer call() {
        boolean cancelled;
        try (TaskQueue queue = db.openExisting()) {
            cancelled = target.id != null ? queue.cancel(target.id) : cancelByKey(queue, target.key);
        }
        if (target.id != null) {
            if (!cancelled) {
                spec.commandLine().getErr().println("error: no pending or running task with id " + target.id
                        + " (it finished, was kept as failed, or never existed)");
                return 1;
            }
            spec.commandLine().getOut().println("cancelled task " + target.id
                    + " (if it was running, it is asked to stop)");
            return 0;
        }
        if (!cancelled) {
            spec.commandLine().getErr().println("error: no pending task holds key " + target.key
                    + " (it ran, is running, or never existed; a retry holds no key: cancel it by its id)");
            return 1;
        }
        spec.commandLine().getOut().println("cancelled the pending task with key " + target.key);
        return 0;
    }

    /** A key the queue refuses (empty, reserved for schedules, …) is bad usage, with the queue's reason. */
    private boolean cancelByKey(TaskQueue queue, String key) {
        try {
            return queue.cancelByKey(key);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--key: " + e.getMessage());
        }
    }
}
