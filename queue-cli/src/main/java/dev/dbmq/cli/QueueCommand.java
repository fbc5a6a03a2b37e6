package dev.dbmq.cli;

import dev.dbmq.TaskQueue;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that opens the queue ({@code --db}, {@code --schema}), does one thing with it and closes it. A new command
 * is a subclass, annotated {@code @Command}, listed in {@link Main}'s {@code subcommands} (or a parent command's):
 * it implements {@link #run}, printing text, or JSON when {@link Output#json()} is set.
 *
 * <p>Usage is checked in {@link #checkUsage()} before the queue opens, so a refused command touches no database.
 */
abstract class QueueCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Refuses bad usage (throw {@link #usage}) before the queue opens; by default there is none to check. */
    void checkUsage() {
    }

    /**
     * Does the command's work on the open queue.
     *
     * @return the exit code: {@link Main#OK} or {@link Main#CHECK_FAILED}
     */
    abstract int run(TaskQueue queue, Output out) throws Exception;

    @Override
    public final Integer call() throws Exception {
        Main main = (Main) spec.root().userObject();
        QueueAddress address;
        try {
            address = new QueueAddress(main.db, main.schema);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        checkUsage();
        try (TaskQueue queue = address.open()) {
            return run(queue, new Output(spec.commandLine(), main.json, address.describe()));
        }
    }

    /** Bad usage of this command: exit 2, with its usage printed. */
    final ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Now, by the command line's clock: what "7d" is relative to. */
    final Instant now() {
        return ((Main) spec.root().userObject()).clock().instant();
    }
}
