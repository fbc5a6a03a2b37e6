package dev.dbmq.demo;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The demo's command line. {@code demo} runs everything in one process; {@code serve} and {@code foreman} run the web
 * and the worker halves as separate processes; the rest inspect, feed and prune the queue. Exit codes: 0 done,
 * 1 failed (also: nothing to cancel, requeue or remove), 2 bad usage (with the usage printed).
 */
@Command(name = "dbmq-demo", mixinStandardHelpOptions = true, version = "dbmq demo 0.1.0",
        description = "A Bugsink-style demo of dbmq: events in over HTTP, digested by a foreman, watched live.",
        subcommands = {DemoCommand.class, ServeCommand.class, ForemanCommand.class, MigrateCommand.class,
                EnqueueCommand.class, CancelCommand.class, UnscheduleCommand.class, StatusCommand.class,
                FailedCommand.class, LoadCommand.class})
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // The JDK server writes headers and body separately; with Nagle on, small responses wait for delayed ACKs.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests set its out and err. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Bad usage: the reason, "did you mean", and always the usage (picocli leaves it out after suggestions).
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println(failed.getColorScheme().errorText(e.getMessage()));
            UnmatchedArgumentException.printSuggestions(e, err);
            failed.usage(err, failed.getColorScheme());
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        // Failures at run time (a busy port, a missing database, a second foreman) are one line, not a stack trace.
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        return cl;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: say which one, e.g. `demo`");
    }
}
