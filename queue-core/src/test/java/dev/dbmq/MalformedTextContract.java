package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dbmq.TestTasks.Echo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Text the databases would not store as given is refused before anything is written, whatever the database: a NUL,
 * or half of a surrogate pair, which both JDBC drivers write as {@code ?} (so the keys "k" + U+D800, "k" + U+D801
 * and "k?" were one key, and args reached the handler changed). Run against SQLite
 * ({@link SqliteMalformedTextTest}) and PostgreSQL ({@link PostgresMalformedTextTest}).
 */
abstract class MalformedTextContract {

    record Text(String s) {
    }

    static final Task<Text> TEXT = Task.of("text", Text.class);
    static final String EMOJI = "\uD83D\uDE00"; // one character, two chars
    static final String STORED_AS_GIVEN = " must be text the database stores as given (no NUL, no half of a surrogate"
            + " pair), it has ";

    final List<AutoCloseable> toClose = new ArrayList<>();

    /** The settings of a new, empty queue (one per test). */
    abstract QueueSettings.Builder newQueueSettings();

    /** {@code work} in a transaction of the application's own, on a connection to the queue's database. */
    abstract <T> T inTransaction(Function<DSLContext, T> work) throws Exception;

    TaskQueue open(EnqueueInterceptor... interceptors) {
        QueueSettings.Builder settings = newQueueSettings();
        for (EnqueueInterceptor i : interceptors) {
            settings.enqueueInterceptor(i);
        }
        TaskQueue queue = TaskQueue.open(settings.build());
        toClose.add(queue);
        return queue;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
    }

    @Test
    void a_key_with_half_a_surrogate_pair_or_a_nul_is_refused_instead_of_merged_with_another() {
        TaskQueue queue = open();
        String cut = ("k".repeat(Enqueue.MAX_KEY_LENGTH - 1) + EMOJI).substring(0, Enqueue.MAX_KEY_LENGTH);
        Map<String, String> refused = Map.of(
                "k\uD800", "an unpaired surrogate U+D800 at index 1",
                "k\uD801", "an unpaired surrogate U+D801 at index 1",
                "k\uDE00\uD83D", "an unpaired surrogate U+DE00 at index 1",
                cut, "an unpaired surrogate U+D83D at index 199",
                "k\u0000", "a NUL at index 1");
        refused.forEach((key, problem) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(ECHO, new Echo(1), Enqueue.now().key(key)));
            assertEquals("key" + STORED_AS_GIVEN + problem + "; nothing was written", e.getMessage());
        });
        assertEquals(0, queue.pending());
        // Whole characters are kept apart: three keys, three tasks.
        long a = queue.enqueue(ECHO, new Echo(1), Enqueue.now().key("k?"));
        long b = queue.enqueue(ECHO, new Echo(2), Enqueue.now().key("k" + EMOJI));
        long c = queue.enqueue(ECHO, new Echo(3), Enqueue.now().key("k\uD83D\uDE01"));
        assertNotEquals(a, b);
        assertNotEquals(b, c);
        assertEquals(3, queue.pending());
    }

    @Test
    void args_with_half_a_surrogate_pair_are_refused_on_every_enqueue_path_and_nothing_is_written() {
        TaskQueue queue = open();
        Text bad = new Text("cut " + EMOJI.charAt(0)); // in the JSON, {"s":"cut  and then the half at index 10
        List<Executable> paths = List.of(
                () -> queue.enqueue(TEXT, bad),
                () -> queue.enqueue(TEXT, bad, Enqueue.after(Duration.ofMinutes(1))),
                () -> queue.enqueue(TEXT, bad, Enqueue.now().key("k")),
                () -> queue.enqueueAll(TEXT, List.of(new Text("fine"), bad)),
                () -> inTransaction(tx -> queue.enqueue(tx, TEXT, bad)),
                () -> inTransaction(tx -> queue.enqueue(tx, TEXT, bad, Enqueue.now().key("k"))),
                () -> Foreman.builder(queue).recurring("r", Schedule.every(Duration.ofMinutes(1)), TEXT, bad));
        for (Executable path : paths) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, path);
            assertEquals("args of task text (as JSON)" + STORED_AS_GIVEN
                    + "an unpaired surrogate U+D83D at index 10; nothing was written", e.getMessage());
        }
        assertEquals(0, queue.pending());
    }

    @Test
    void metadata_with_half_a_surrogate_pair_or_a_nul_is_refused_and_the_task_written_without_it() {
        List<String> refused = new ArrayList<>();
        TaskQueue queue = open(e -> {
            expectRefusal(refused, () -> e.putMetadata("k\uD800", "v"));
            expectRefusal(refused, () -> e.putMetadata("k\u0000", "v"));
            expectRefusal(refused, () -> e.putMetadata("k", "v" + EMOJI.charAt(1)));
            expectRefusal(refused, () -> e.putMetadata("k", "v\u0000"));
            e.putMetadata("whole", EMOJI);
            e.proceed();
        });
        List<String> ran = new ArrayList<>();
        ManualForeman f = Foreman.builder(queue).handle(ECHO, (a, ctx) -> ran.add(a.n() + " " + ctx.metadata()))
                .startManual();
        toClose.add(f);
        queue.enqueue(ECHO, new Echo(1));
        assertEquals(1, f.runPending());
        assertEquals(List.of(
                "metadata key" + STORED_AS_GIVEN + "an unpaired surrogate U+D800 at index 1; not put",
                "metadata key" + STORED_AS_GIVEN + "a NUL at index 1; not put",
                "metadata value of \"k\"" + STORED_AS_GIVEN + "an unpaired surrogate U+DE00 at index 1; not put",
                "metadata value of \"k\"" + STORED_AS_GIVEN + "a NUL at index 1; not put"), refused);
        assertEquals(List.of("1 " + Map.of("whole", EMOJI)), ran);
    }

    /** Whole characters, and a NUL inside args (Jackson escapes it in the JSON), reach the handler as given. */
    @Test
    void args_with_whole_characters_and_a_nul_reach_the_handler_as_given() {
        TaskQueue queue = open();
        List<String> ran = new ArrayList<>();
        ManualForeman f = Foreman.builder(queue).handle(TEXT, a -> ran.add(a.s())).startManual();
        toClose.add(f);
        String given = "a\u0000b " + EMOJI + " caf\u00e9";
        queue.enqueue(TEXT, new Text(given));
        assertEquals(1, f.runPending());
        assertEquals(List.of(given), ran);
    }

    private static void expectRefusal(List<String> refused, Runnable r) {
        try {
            r.run();
            refused.add("nothing refused");
        } catch (IllegalArgumentException e) {
            refused.add(e.getMessage());
        }
    }

    /**
     * A failed task's reason quotes its handler's exception message: a NUL or half a pair in it is repaired (U+FFFD),
     * so the task is kept as failed. Before, PostgreSQL refused the write and the task was logged as lost.
     */
    @Test
    void a_failure_reason_with_a_nul_or_half_a_pair_is_kept_repaired_not_lost() throws Exception {
        TaskQueue queue = open();
        Task<Text> once = Task.of("once", Text.class).retry(Retry.none());
        ManualForeman foreman = Foreman.builder(queue).handle(once, a -> {
            throw new IllegalStateException("bad\u0000byte, half \uD800 pair");
        }).startManual();
        toClose.add(foreman);
        long id = queue.enqueue(once, new Text("x"));
        assertEquals(1, foreman.runPending());
        List<FailedTask> failed = queue.failedTasks(10);
        assertEquals(List.of(id), failed.stream().map(FailedTask::id).toList(), "kept as failed, not lost");
        assertEquals("handler threw java.lang.IllegalStateException: bad\uFFFDbyte, half \uFFFD pair",
                failed.get(0).reason());
    }
}
