package dev.dbmq.cli;

import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.time.Instant;

/**
 * A command that opens the queue ({@code --db}, {@code --schema}), does one thing with it and closes it. A new command
 * is a subclass with a {@link CommandSpec} listed in {@link Main#ROOT} (or a group's): its constructor reads and checks
 * its arguments (throwing {@link #usage}), so a refused command touches no database; {@link #run} does the work,
 * printing text, or JSON when {@link Output#json()} is set.
 */
abstract class QueueCommand implements Command {

    private final Arguments arguments;

    QueueCommand(Arguments arguments) {
        this.arguments = arguments;
    }

    /**
     * Does the command's work on the open queue.
     *
     * @return the exit code: {@link Main#OK} or {@link Main#CHECK_FAILED}
     */
    abstract int run(TaskQueue queue, Output out) throws Exception;

    @Override
    public final int execute(PrintWriter out, PrintWriter err) throws Exception {
        QueueAddress address;
        try {
            address = new QueueAddress(environmentDefault("--db", "DBMQ_DB"),
                    environmentDefault("--schema", "DBMQ_SCHEMA"));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        try (TaskQueue queue = address.open()) {
            return run(queue, new Output(out, err, arguments.flag("--json"), address.describe()));
        }
    }

    /** The option's value; else the system property, else the environment variable, of that name. */
    private String environmentDefault(String option, String variable) {
        String value = arguments.value(option);
        return value != null ? value : System.getProperty(variable, System.getenv(variable));
    }

    /** Bad usage of this command: exit 2, with its usage printed. */
    final UsageError usage(String message) {
        return arguments.usage(message);
    }

    /** Now, by the command line's clock: what "7d" is relative to. */
    final Instant now() {
        return arguments.clock().instant();
    }
}
