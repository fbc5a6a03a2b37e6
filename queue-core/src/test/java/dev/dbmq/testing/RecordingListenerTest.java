package dev.dbmq.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.Foreman;
import dev.dbmq.ForemanEvent;
import dev.dbmq.Task;
import dev.dbmq.TaskContext;
import dev.dbmq.TaskEvent;
import dev.dbmq.TaskQueue;
import dev.dbmq.testing.RecordingListener.Event;
import dev.dbmq.testing.RecordingListener.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RecordingListener as a user's test would use it: public API only, a real foreman on an SQLite queue. */
class RecordingListenerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    record Count(int n) {
    }

    private static final Task<Count> COUNT = Task.of("count", Count.class);
    /** The same name with args a Count can't be read from. */
    private static final Task<String> COUNT_AS_TEXT = Task.of("count", String.class);

    @TempDir
    Path dir;

    @Test
    void records_succeeded_failed_and_rejected_tasks_as_they_happen() {
        RecordingListener recorder = new RecordingListener();
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"));
             Foreman foreman = Foreman.builder(queue)
                     .handle(COUNT, args -> {
                         if (args.n() == 13) {
                             throw new IllegalStateException("unlucky " + args.n());
                         }
                     })
                     .listener(recorder).stopOnShutdown(false).start()) {
            long ok1 = queue.enqueue(COUNT, new Count(1));
            long ok2 = queue.enqueue(COUNT, new Count(2));
            long bad = queue.enqueue(COUNT, new Count(13));
            long garbled = queue.enqueue(COUNT_AS_TEXT, "not a Count");

            recorder.awaitSucceeded(2, TIMEOUT);
            recorder.awaitFailed(1, TIMEOUT);
            recorder.awaitRejected(1, TIMEOUT);

            assertEquals(Set.of(ok1, ok2), ids(recorder.events(Kind.SUCCEEDED)));
            assertEquals(Set.of(bad), ids(recorder.events(Kind.FAILED)));
            assertEquals(Set.of(garbled), ids(recorder.events(Kind.REJECTED)));
            assertEquals(Set.of(ok1, ok2, bad), ids(recorder.events(Kind.STARTED)), "the rejected one never starts");
            assertTrue(recorder.events().stream().filter(e -> e.taskId() != 0).allMatch(e -> e.taskName().equals("count")),
                    recorder.events().toString());

            List<Throwable> failures = recorder.failures();
            assertEquals(1, failures.size());
            assertEquals("unlucky 13", failures.get(0).getMessage());
            assertTrue(recorder.events(Kind.FAILED).get(0).detail().contains("unlucky 13"));
            assertNotNull(recorder.events(Kind.REJECTED).get(0).detail());
        }
    }

    @Test
    void records_a_retried_attempt_with_its_attempt_and_next_time() {
        RecordingListener recorder = new RecordingListener();
        IllegalStateException boom = new IllegalStateException("boom");
        recorder.taskRetrying(new TaskEvent.Retrying(5, "mail", 1, "host:1:abcd", ctx(5),
                Duration.ofMillis(3), boom, T.plusSeconds(60)));
        assertEquals(List.of(new RecordingListener.Event(RecordingListener.Kind.RETRYING, 5, "mail",
                "attempt 1 threw java.lang.IllegalStateException: boom; next at 2026-12-01T10:01:00Z")),
                recorder.events(RecordingListener.Kind.RETRYING));
        assertEquals(List.of(boom), recorder.failures());
    }

    @Test
    void a_wait_on_outside_state_returns_once_it_holds() {
        RecordingListener recorder = new RecordingListener();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"));
             Foreman foreman = Foreman.builder(queue).handle(COUNT, args -> seen.add(args.n()))
                     .listener(recorder).stopOnShutdown(false).start()) {
            queue.enqueueAll(COUNT, List.of(new Count(1), new Count(2), new Count(3)));
            recorder.await(() -> seen.size() == 3, TIMEOUT, "3 handlers run");
            assertEquals(Set.of(1, 2, 3), Set.copyOf(seen));
        }
    }

    @Test
    void a_wait_that_never_holds_times_out_saying_what_it_waited_for_and_what_it_saw() {
        RecordingListener recorder = new RecordingListener();
        recorder.taskSucceeded(new TaskEvent.Succeeded(7, "count", 1, "host:1:abcd", ctx(7),
                Duration.ofMillis(1)));

        AssertionError e = assertThrows(AssertionError.class,
                () -> recorder.awaitSucceeded(2, Duration.ofMillis(200)));

        assertTrue(e.getMessage().startsWith("timed out after 200 ms waiting for at least 2 SUCCEEDED events"),
                e.getMessage());
        assertTrue(e.getMessage().contains("1 SUCCEEDED"), e.getMessage());
        assertTrue(e.getMessage().contains("taskId=7"), e.getMessage());
    }

    @Test
    void events_is_a_snapshot() {
        RecordingListener recorder = new RecordingListener();
        recorder.idle(new ForemanEvent.Idle("host:1:abcd"));
        List<Event> before = recorder.events();
        recorder.taskStarted(new TaskEvent.Started(1, "count", 1, "host:1:abcd", ctx(1)));

        assertEquals(List.of(new Event(Kind.IDLE, 0, null, null)), before);
        assertEquals(2, recorder.events().size());
        assertThrows(UnsupportedOperationException.class, () -> before.add(before.get(0)));
    }

    private static Set<Long> ids(List<Event> events) {
        return events.stream().map(Event::taskId).collect(Collectors.toSet());
    }

    private static TaskContext ctx(long id) {
        return TestTaskContext.builder().id(id).enqueuedAt(T).build();
    }
}
