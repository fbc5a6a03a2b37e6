package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.TaskStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Args that can't be decoded, however they fail, are kept and never hold up the claim. */
class DeepArgsTest {

    record Node(Node next) {
        static Node deep(int depth) {
            Node n = null;
            for (int i = 0; i < depth; i++) {
                n = new Node(n);
            }
            return n;
        }
    }

    record Poison(int n) {
    }

    static final Task<Node> NODE = Task.of("node", Node.class);
    static final Task<Poison> POISON = Task.of("poison", Poison.class);

    @TempDir
    Path dir;
    final Recorder recorder = new Recorder();
    final Set<Integer> ran = ConcurrentHashMap.newKeySet();

    Foreman foreman(TaskQueue queue) {
        return Foreman.builder(queue).listener(recorder).stopOnShutdown(false).pollInterval(ForemanContract.NO_POLL)
                .handle(ECHO, a -> ran.add(a.n())).handle(NODE, a -> ran.add(-1)).handle(POISON, a -> ran.add(-2))
                .start();
    }

    @Test
    void args_nested_deeper_than_the_limit_are_refused_at_enqueue_and_nothing_is_written() {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            queue.enqueue(NODE, Node.deep(ArgsCodec.MAX_DEPTH));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(NODE, Node.deep(2 * ArgsCodec.MAX_DEPTH)));
            assertTrue(e.getMessage().contains("args of task node cannot be written as JSON")
                    && e.getMessage().contains("nesting depth"), e.getMessage());
            assertEquals(1, queue.pending());
        }
    }

    @Test
    void args_nested_too_deep_written_by_another_tool_are_kept_and_the_claim_goes_on() {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            String deep = "{\"next\":".repeat(400) + "null" + "}".repeat(400);
            long bad = queue.database().autocommit(dsl -> TaskStore.insert(dsl, "node", deep, null, 0, 0, 1));
            for (int i = 0; i < 3; i++) {
                queue.enqueue(ECHO, new Echo(i));
            }
            try (Foreman f = foreman(queue)) {
                recorder.await(() -> ran.size() == 3, "the 3 tasks behind the deep one to run, ran " + ran);
                recorder.awaitCount("rejected", 1);
            }
            List<FailedTask> failed = queue.failedTasks(10);
            assertEquals(List.of(bad), failed.stream().map(FailedTask::id).toList());
            assertTrue(failed.get(0).reason().contains("nesting depth"), failed.get(0).reason());
            assertEquals(0, queue.pending());
        }
    }

    @Test
    void a_decoder_throwing_an_error_keeps_the_row_and_the_claim_goes_on() {
        ObjectMapper mapper = ArgsCodec.defaultMapper().registerModule(new SimpleModule()
                .addDeserializer(Poison.class, new JsonDeserializer<>() {
                    @Override
                    public Poison deserialize(JsonParser p, DeserializationContext ctx) {
                        throw new StackOverflowError("simulated: a custom deserializer ran out of stack");
                    }
                }));
        try (TaskQueue queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).objectMapper(mapper)
                .build())) {
            long bad = queue.enqueue(POISON, new Poison(1));
            for (int i = 0; i < 3; i++) {
                queue.enqueue(ECHO, new Echo(i));
            }
            try (Foreman f = foreman(queue)) {
                recorder.await(() -> ran.size() == 3, "the 3 tasks behind the poisoned one to run, ran " + ran);
                recorder.awaitCount("rejected", 1);
            }
            List<FailedTask> failed = queue.failedTasks(10);
            assertEquals(List.of(bad), failed.stream().map(FailedTask::id).toList());
            assertTrue(failed.get(0).reason().contains("StackOverflowError"), failed.get(0).reason());
        }
    }
}
