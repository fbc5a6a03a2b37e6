package dev.dbmq.demo;

import dev.dbmq.TaskQueue;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Runs only the web server (ingest, status page); run `foreman` beside it.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    DbOptions db;
    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TaskQueue queue = db.openCreating();
        DemoServer server;
        try {
            server = startServer(queue, http, null);
        } catch (Exception e) {
            queue.close();
            throw e;
        }
        out.println("dbmq demo server running: " + server.url() + " (database " + db.db
                + "; start `foreman` on the same database to run the tasks)");
        out.flush();
        GracefulStop.untilSignalled(out, server, queue);
        return 0;
    }

    static DemoServer startServer(TaskQueue queue, HttpOptions http, DemoServer.Workers workers) throws IOException {
        try {
            return DemoServer.start(queue, http.address(), workers);
        } catch (BindException e) {
            throw new IllegalStateException("cannot listen on " + http.bind + ":" + http.port + ": " + e.getMessage()
                    + " (choose another with --port)", e);
        }
    }
}
