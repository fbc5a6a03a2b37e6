package dev.dbmq.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.ContextualTaskHandler;
import dev.dbmq.TaskContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestTaskContextTest {

    @Test
    void unset_it_is_task_1s_first_attempt_due_when_built() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TaskContext ctx = TestTaskContext.first();
        Instant after = Instant.now();
        assertEquals(1, ctx.id());
        assertEquals(1, ctx.attempt());
        assertEquals(ctx.enqueuedAt(), ctx.scheduledAt(), "due at its enqueue");
        assertTrue(!ctx.enqueuedAt().isBefore(before) && !ctx.enqueuedAt().isAfter(after), ctx.toString());
        assertEquals(ctx.enqueuedAt(), ctx.enqueuedAt().truncatedTo(ChronoUnit.MILLIS), "milliseconds, as stored");
        assertEquals(Map.of(), ctx.metadata());
    }

    @Test
    void a_handler_called_directly_sees_what_the_test_set() throws Exception {
        Instant enqueued = Instant.parse("2026-12-01T12:00:00Z");
        List<String> seen = new ArrayList<>();
        ContextualTaskHandler<String> handler = (args, ctx) -> seen.add(args + " #" + ctx.id() + " attempt "
                + ctx.attempt() + " due " + ctx.scheduledAt() + " enqueued " + ctx.enqueuedAt() + " " + ctx.metadata());
        handler.handle("x", TestTaskContext.builder().id(42).attempt(3).enqueuedAt(enqueued)
                .scheduledAt(enqueued.plusSeconds(30)).metadata("tenant", "t1").build());
        assertEquals(List.of("x #42 attempt 3 due 2026-12-01T12:00:30Z enqueued 2026-12-01T12:00:00Z {tenant=t1}"),
                seen);
    }

    @Test
    void bad_values_fail_at_the_builder_naming_them() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestTaskContext.builder().attempt(0));
        assertTrue(e.getMessage().contains("attempt"), e.getMessage());
        NullPointerException n = assertThrows(NullPointerException.class,
                () -> TestTaskContext.builder().metadata("k", null));
        assertTrue(n.getMessage().contains("metadata value"), n.getMessage());
        TaskContext ctx = TestTaskContext.builder().metadata(Map.of("a", "1")).build();
        assertThrows(UnsupportedOperationException.class, () -> ctx.metadata().put("b", "2"));
    }

    @Test
    void what_a_handler_reports_is_kept_for_the_test_and_cancelled_is_as_set() throws Exception {
        ContextualTaskHandler<String> handler = (args, ctx) -> {
            if (ctx.isCancelled()) {
                return;
            }
            ctx.progress(0.5, "half of " + args);
            ctx.snooze(java.time.Duration.ofMinutes(1));
        };
        TestTaskContext ctx = TestTaskContext.first();
        handler.handle("x", ctx);
        assertEquals(java.util.OptionalDouble.of(0.5), ctx.reportedProgress());
        assertEquals(java.util.Optional.of("half of x"), ctx.reportedNote());
        assertEquals(java.util.Optional.of(java.time.Duration.ofMinutes(1)), ctx.snoozed());
        TestTaskContext cancelled = TestTaskContext.builder().cancelled(true).build();
        handler.handle("x", cancelled);
        assertEquals(java.util.OptionalDouble.empty(), cancelled.reportedProgress(), "returned early");
        assertThrows(IllegalArgumentException.class, () -> ctx.progress(-0.1, null));
    }
}
