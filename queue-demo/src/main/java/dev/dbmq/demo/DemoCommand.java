package dev.dbmq.demo;

import dev.dbmq.Foreman;
import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = "Runs the web server and the foreman in one process; Ctrl-C stops both.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    DbOptions db;
    @Mixin
    HttpOptions http;
    @Mixin
    WorkerOptions workers;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TaskQueue queue = db.openCreating();
        Foreman foreman = null;
        DemoServer server;
        try {
            foreman = DemoForeman.builder(queue).workers(workers.workers).start();
            server = ServeCommand.startServer(queue, http,
                    new DemoServer.Workers(workers.workers, foreman::busyWorkers, foreman::state,
                            foreman::unhandledTasks));
        } catch (Exception e) {
            if (foreman != null) {
                foreman.close();
            }
            queue.close();
            throw e;
        }
        out.println("dbmq demo running: open " + server.url() + " (database " + db.db + ", " + workers.workers
                + " workers; Ctrl-C stops)");
        out.flush();
        GracefulStop.untilSignalled(out, server, foreman, queue);
        return 0;
    }
}
