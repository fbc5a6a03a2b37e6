package dev.dbmq.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "enqueue",
        description = "Enqueues one task, e.g. enqueue digest"
                + " '{\"eventId\":1,\"level\":\"error\",\"message\":\"boom\"}'")
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
        ObjectMapper mapper = strict(queue.settings().objectMapper());
        A args;
        try {
            JsonNode tree = mapper.readTree(json);
            // Unknown fields first: a misspelt one ("eventid") is why its real one is missing, and the better hint.
            List<String> known = fields(mapper, task.argsType());
            List<String> unknown = new ArrayList<>();
            tree.fieldNames().forEachRemaining(f -> {
                if (!known.contains(f)) {
                    unknown.add(f);
                }
            });
            if (!unknown.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "JSON is not valid args for " + task.name()
                        + ": unknown field" + (unknown.size() == 1 ? " " : "s ") + quoted(unknown) + "; the fields of "
                        + task.name() + " are " + quoted(known));
            }
            args = mapper.treeToValue(tree, task.argsType());
        } catch (JsonProcessingException e) {
            // the first line says what is wrong; the rest is Jackson's location detail
            String reason = e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage()
                    : e.getOriginalMessage();
            throw new ParameterException(spec.commandLine(), "JSON is not valid args for " + task.name() + ": "
                    + reason);
        }
        if (args == null) {
            throw new ParameterException(spec.commandLine(), "JSON for " + task.name()
                    + " must be an object, was null");
        }
        return queue.enqueue(task, args);
    }

    /** The JSON field names of an args type, as Jackson reads them. */
    private static List<String> fields(ObjectMapper mapper, Class<?> type) {
        return mapper.getDeserializationConfig().introspect(mapper.constructType(type)).findProperties().stream()
                .map(BeanPropertyDefinition::getName).toList();
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> '"' + n + '"').collect(Collectors.joining(", "));
    }

    /**
     * The queue's mapper, refusing unknown fields too. The queue ignores them so that producers can add fields before
     * foremen know them; here the JSON is typed by a person, and a misspelt field ({@code eventid}) is a mistake to
     * report, not a field to drop. Missing fields are refused, as a foreman of the default mapper would refuse them.
     */
    private static ObjectMapper strict(ObjectMapper queueMapper) {
        return queueMapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }
}
