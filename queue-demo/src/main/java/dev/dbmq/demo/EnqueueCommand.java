package dev.dbmq.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "enqueue", description = "Enqueues one task, e.g. enqueue digest '{\"eventId\":1,\"level\":\"error\"}'")
final class EnqueueCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    DbOptions db;

    @Parameters(index = "0", paramLabel = "TASK", description = "digest, notify or flaky.")
    String taskName;

    @Parameters(index = "1", paramLabel = "JSON", description = "The task's args as a JSON object.")
    String json;

    @Override
    public Integer call() {
        Task<?> task = DemoForeman.task(taskName).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown task \"" + taskName + "\"; the demo's tasks are "
                        + DemoForeman.TASKS.stream().map(Task::name).collect(Collectors.joining(", "))));
        try (TaskQueue queue = db.openExisting()) {
            long id = enqueue(queue, task);
            spec.commandLine().getOut().println("enqueued " + task.name() + " as task " + id);
        }
        return 0;
    }

    private <A> long enqueue(TaskQueue queue, Task<A> task) {
        A args;
        try {
            args = queue.settings().objectMapper().readValue(json, task.argsType());
        } catch (JsonProcessingException e) {
            // the first line says what is wrong; the rest is Jackson's location detail
            String reason = e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage()
                    : e.getOriginalMessage();
            throw new ParameterException(spec.commandLine(), "JSON is not valid args for " + task.name() + ": "
                    + reason);
        }
        if (args == null) {
            throw new ParameterException(spec.commandLine(), "JSON for " + task.name() + " must be an object, was null");
        }
        return queue.enqueue(task, args);
    }
}
