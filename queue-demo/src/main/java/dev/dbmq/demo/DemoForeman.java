package dev.dbmq.demo;

import dev.dbmq.Foreman;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.util.List;
import java.util.Optional;

/** The demo's foreman: the three task types and their handlers. */
final class DemoForeman {

    /** Every task type the demo knows, for the CLI's {@code enqueue}. */
    static final List<Task<?>> TASKS = List.of(Digest.TASK, Notify.TASK, Flaky.TASK);

    private DemoForeman() {
    }

    static Optional<Task<?>> task(String name) {
        return TASKS.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** A builder with every demo handler registered; the caller sets workers and starts it. */
    static Foreman.Builder builder(TaskQueue queue) {
        return Foreman.builder(queue)
                .handle(Digest.TASK, Digest.handler(queue))
                .handle(Notify.TASK, Notify.handler())
                .handle(Flaky.TASK, Flaky.handler())
                // Main stops the foreman itself, after the web server and before the queue (GracefulStop).
                .stopOnShutdown(false);
    }
}
