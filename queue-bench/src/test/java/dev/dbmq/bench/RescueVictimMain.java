package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The foreman {@link RescueBenchmark} kills: in a JVM of its own, it runs the at-least-once task
 * {@link RescueBenchmark#RESCUE} and never finishes it. Prints "ready" once started and "running" when the handler
 * has started, then waits for its SIGKILL.
 *
 * <pre>
 *   RescueVictimMain sqlite &lt;dir&gt;
 *   RescueVictimMain pg &lt;schema&gt;
 * </pre>
 */
public final class RescueVictimMain {

    private RescueVictimMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        TaskQueue queue = args[0].equals("sqlite") ? BenchDb.openQueue(Path.of(args[1]), Synchronous.NORMAL)
                : BenchPg.openQueue(BenchPg.pool("victim", 4), args[1]);
        Foreman.builder(queue).stopOnShutdown(false).handle(RescueBenchmark.RESCUE, a -> {
            out.println("running");
            Thread.currentThread().join(); // until killed
        }).start();
        out.println("ready");
        Thread.currentThread().join();
    }
}
