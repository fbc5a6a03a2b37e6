package dev.dbmq.demo;

import dev.dbmq.Foreman;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The foreman's {@code --workers}. */
final class WorkerOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    int workers = Foreman.DEFAULT_WORKERS;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "" + Foreman.DEFAULT_WORKERS,
            description = "Tasks run at once (default: ${DEFAULT-VALUE}).")
    void workers(int workers) {
        if (workers < 1 || workers > 1024) {
            throw new ParameterException(spec.commandLine(), "--workers must be from 1 to 1024, was " + workers);
        }
        this.workers = workers;
    }
}
