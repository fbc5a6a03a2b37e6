package dev.dbmq.demo;

import dev.dbmq.TaskQueue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "migrate", description = "Creates the queue database, or brings its tables up to date.")
final class MigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    DbOptions db;

    @Override
    public Integer call() throws Exception {
        try (TaskQueue queue = db.openCreating()) { // opening migrates
            spec.commandLine().getOut().println("queue database ready: " + queue.settings().databaseFile());
        }
        return 0;
    }
}
