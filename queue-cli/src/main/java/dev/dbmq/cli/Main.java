package dev.dbmq.cli;

import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.List;

/**
 * The {@code dbmq} command line: looks into a queue's database and acts on it, from any host that reaches it, with no
 * foreman of its own. Each command opens the queue, does one thing and closes it.
 *
 * <p>The CLI never creates or migrates a queue: a missing SQLite file, or a schema at another version than this
 * CLI's, is refused (exit 2) before the queue is opened, so a health check can't create an empty queue where a path
 * was mistyped, nor migrate a production database as a side effect. The application migrates when it opens the
 * queue.
 *
 * <p>A command is one class: its {@link CommandSpec} (options, help), listed in {@link #ROOT} (or a group's
 * subcommands), and a constructor that takes the parsed {@link Arguments}. The parser is our own, not a library's: a
 * health check runs often, and a command-line library's start-up (reflection over annotations, classes that a class
 * archive can't hold) cost more than the rest of a {@code status}.
 */
public final class Main {

    /** What {@code --version} prints. */
    static final String VERSION = "dbmq 0.1.0";
    /** Done; for {@code status}, healthy. */
    static final int OK = 0;
    /** A check failed ({@code status}), or the one task asked for is not there. */
    static final int CHECK_FAILED = 1;
    /** Bad usage, no database, or the database could not be reached: the command did nothing. */
    static final int ERROR = 2;

    /** The options of every command, before or after its name ({@code dbmq --db q.db status --json}). */
    static final List<Opt> COMMON = List.of(
            Opt.value("--db", "FILE|URL",
                    "The queue: a SQLite file, or a jdbc:postgresql://… URL (default: env DBMQ_DB)."),
            Opt.value("--schema", "SCHEMA", "PostgreSQL: the schema holding the queue's tables (default: env"
                    + " DBMQ_SCHEMA, else the connection's current schema)."),
            Opt.flag("--json", "Machine-readable output: one JSON document, times ISO-8601 (UTC)."),
            Opt.flag("--verbose", "-v", "Log what dbmq does (its INFO lines) to stderr, and a stack trace on errors."),
            Opt.flag("--help", "-h", "Show this help and exit."),
            Opt.flag("--version", "-V", "Print the version and exit."));

    static final CommandSpec ROOT = CommandSpec.group("dbmq")
            .description("Looks into a dbmq queue and acts on it: status (a health check), running attempts, failed"
                    + " tasks, cancels, foremen, history, pausing and resuming lanes.")
            .subcommands(StatusCommand.SPEC, RunningCommand.SPEC, FailedCommand.SPEC, CancelCommand.SPEC,
                    ForemenCommand.SPEC, HistoryCommand.SPEC, LaneCommand.PAUSE, LaneCommand.RESUME,
                    CdsTrainingCommand.SPEC)
            .exitCodes("0  done; status: every check passed",
                    "1  status: a check failed; cancel ID: no pending or running task has it",
                    "2  bad usage, no queue at --db, or the database could not be read");

    private Main() {
    }

    /** Runs the command line and exits with its code (see {@link #ROOT}'s exit codes). */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, false);
        PrintWriter err = new PrintWriter(System.err, true);
        int exit = run(List.of(args), InstantSource.system(), out, err);
        out.flush();
        err.flush();
        System.exit(exit);
    }

    /**
     * Runs one command line: parses it, makes the command (which checks its usage), and runs it.
     *
     * @param clock what relative times on the line ("7d" ago) and the printed ages are measured from
     * @return the exit code
     */
    static int run(List<String> args, InstantSource clock, PrintWriter out, PrintWriter err) {
        Arguments arguments = null;
        try {
            arguments = Arguments.parse(ROOT, COMMON, args, clock);
            if (arguments.flag("--verbose")) {
                // read by slf4j-simple when the first logger is made, which is after parsing
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            }
            CommandSpec spec = arguments.command();
            if (arguments.flag("--help")) {
                out.print(spec.help(COMMON));
                out.flush();
                return OK;
            }
            if (arguments.flag("--version")) {
                out.println(VERSION);
                out.flush();
                return OK;
            }
            if (spec.isGroup()) {
                throw arguments.usage("Missing command: say which one: " + String.join(", ",
                        spec.subcommandNames()));
            }
            Command command = spec.factory().make(arguments);
            int exit = command.execute(out, err);
            out.flush();
            return exit;
        } catch (UsageError e) {
            out.flush();
            err.println("error: " + e.getMessage());
            err.print(e.command().help(COMMON));
            err.flush();
            return ERROR;
        } catch (Exception e) {
            // Failures at run time (no database, a refused connection, a schema of another version): one line.
            out.flush();
            err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (arguments != null && arguments.flag("--verbose")) {
                e.printStackTrace(err);
            }
            err.flush();
            return ERROR;
        }
    }
}
