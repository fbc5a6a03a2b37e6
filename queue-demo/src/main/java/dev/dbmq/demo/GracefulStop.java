package dev.dbmq.demo;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * How the long-running commands end: on Ctrl-C (SIGINT) or SIGTERM one shutdown hook closes their parts in the given
 * order (web server before foreman before queue: JVM hooks run in no order, so the parts install none of their own),
 * then prints {@link #STOPPED}.
 */
final class GracefulStop {

    /** The last line a long-running command prints. */
    static final String STOPPED = "stopped";

    private GracefulStop() {
    }

    /** Installs the hook, then blocks the calling thread until the JVM exits. */
    static void untilSignalled(PrintWriter out, AutoCloseable... inOrder) throws InterruptedException {
        List<AutoCloseable> parts = List.of(inOrder);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping…");
            out.flush();
            for (AutoCloseable part : parts) {
                try {
                    part.close();
                } catch (Exception e) { // keep closing the rest
                    out.println("could not close " + part + ": " + e);
                }
            }
            out.println(STOPPED);
            out.flush();
        }, "dbmq-demo-stop"));
        new CountDownLatch(1).await(); // the hook ends the JVM; this thread has nothing more to do
    }
}
