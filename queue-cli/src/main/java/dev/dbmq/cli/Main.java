package dev.dbmq.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code dbmq} command line: looks into a queue's database and acts on it, from any host that reaches it, with no
 * foreman of its own. Each command opens the queue, does one thing and closes it.
 *
 * <p>The CLI never creates or migrates a queue: a missing SQLite file, or a schema at another version than this
 * CLI's, is refused (exit 2) before the queue is opened, so a health check can't create an empty queue where a path
 * was mistyped, nor migrate a production database as a side effect. The application migrates when it opens the
 * queue.
 *
 * <p>A command is one class: a subclass of {@link QueueCommand} listed in {@code subcommands} below.
 */
@Command(name = "dbmq", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Looks into a dbmq queue and acts on it: status (a health check), running attempts, failed"
                + " tasks, cancels, foremen, history.",
        subcommands = {StatusCommand.class, RunningCommand.class, FailedCommand.class, CancelCommand.class,
                ForemenCommand.class, HistoryCommand.class, CdsTrainingCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done; status: every check passed",
                "  1  status: a check failed; cancel ID: no pending or running task has it",
                "  2  bad usage, no queue at --db, or the database could not be read"})
public final class Main implements Callable<Integer> {

    /** What {@code --version} prints. */
    static final String VERSION = "dbmq 0.1.0";
    /** Done; for {@code status}, healthy. */
    static final int OK = 0;
    /** A check failed ({@code status}), or the one task asked for is not there. */
    static final int CHECK_FAILED = 1;
    /** Bad usage, no database, or the database could not be reached: the command did nothing. */
    static final int ERROR = 2;

    @Spec
    CommandSpec spec;

    // Options of every command, before or after its name (`dbmq --db q.db status`, `dbmq status --db q.db`). picocli
    // sets an inherited option on this object wherever it appears, so commands read them here.
    @Option(names = "--db", paramLabel = "FILE|URL", scope = ScopeType.INHERIT, defaultValue = "${DBMQ_DB}",
            description = "The queue: a SQLite file, or a jdbc:postgresql://… URL (default: env DBMQ_DB).")
    String db;

    @Option(names = "--schema", paramLabel = "SCHEMA", scope = ScopeType.INHERIT, defaultValue = "${DBMQ_SCHEMA}",
            description = "PostgreSQL: the schema holding the queue's tables (default: env DBMQ_SCHEMA, else the"
                    + " connection's current schema).")
    String schema;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Machine-readable output: one JSON document, times ISO-8601 (UTC).")
    boolean json;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log what dbmq does (its INFO lines) to stderr, and a stack trace on errors.")
    void verbose(boolean verbose) {
        this.verbose = verbose;
        if (verbose) {
            // read by slf4j-simple when the first logger is made, which is after parsing
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
    }

    boolean verbose;

    private final InstantSource clock;

    Main(InstantSource clock) {
        this.clock = clock;
    }

    /** Runs the command line and exits with its code (see the class's {@code footer}). */
    public static void main(String[] args) {
        System.exit(commandLine(InstantSource.system()).execute(args));
    }

    /** The configured command line, its times ("7d" ago) read from {@code clock}; tests set its out and err. */
    static CommandLine commandLine(InstantSource clock) {
        Main main = new Main(clock);
        CommandLine cl = new CommandLine(main);
        cl.registerConverter(Duration.class, text -> converted(() -> TimeText.duration(text)));
        cl.registerConverter(Instant.class, text -> converted(() -> TimeText.instant(text, clock.instant())));
        // Bad usage: the reason, "did you mean", and the usage of the command at fault.
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println(failed.getColorScheme().errorText("error: " + e.getMessage()));
            if (!UnmatchedArgumentException.printSuggestions(e, err)) {
                failed.usage(err, failed.getColorScheme());
            }
            return ERROR;
        });
        // Failures at run time (no database, a refused connection, a schema of another version): one line.
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (main.verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            return ERROR;
        });
        return cl;
    }

    /** picocli words a TypeConversionException as "Invalid value for option '--x': message", without a class name. */
    private static <T> T converted(java.util.function.Supplier<T> conversion) {
        try {
            return conversion.get();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** The moment times on the command line are relative to. */
    InstantSource clock() {
        return clock;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: say which one, e.g. `status`");
    }
}
