package dev.dbmq.demo;

import dev.dbmq.Foreman;
import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "foreman", description = "Runs only the foreman: the digest, notify and flaky tasks.")
final class ForemanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    DbOptions db;
    @Mixin
    WorkerOptions workers;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TaskQueue queue = db.openCreating();
        Foreman foreman;
        try {
            foreman = DemoForeman.builder(queue).workers(workers.workers).start();
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
        out.println("dbmq demo foreman running on " + db.db + " with " + workers.workers + " workers");
        out.flush();
        GracefulStop.untilSignalled(out, foreman, queue);
        return 0;
    }
}
