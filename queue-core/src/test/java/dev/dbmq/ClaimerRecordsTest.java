package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim bounded by the foreman's record slots rather than by its limit says "there may be more": a flush clearing
 * ended attempts' records holds their slots for a moment (and lanes share the slots), and a claim that took fewer
 * tasks for that reason must not make a draining loop stop, or an idle one sleep, with tasks due.
 */
class ClaimerRecordsTest {

    @TempDir
    Path dir;

    @Test
    void a_claim_short_of_record_slots_counts_as_full() {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            queue.enqueueAll(TestTasks.ECHO, IntStream.range(0, 5).mapToObj(TestTasks.Echo::new).toList());
            Handlers handlers = new Handlers();
            handlers.add(TestTasks.ECHO, (TaskHandler<TestTasks.Echo>) args -> { });
            RunningRecords records = new RunningRecords(2);
            TaskCounters counters = new TaskCounters(queue.backend().storage().database(), "test", records,
                    queue.clock(), false);
            Claimer claimer = new Claimer("test", queue.backend().storage(), handlers, Task.DEFAULT_LANE,
                    handlers.names(), true, new RecurringTasks(), queue.codec(), queue.clock(), counters,
                    GuardedListener.of(List.of()), Duration.ofDays(1), records);

            // both slots held an attempt that succeeded; a flush has taken them to clear their records
            RunningRecords.Lease held = records.lease(2);
            records.keep(held, 2);
            records.succeeded(held.slot(0));
            records.succeeded(held.slot(1));
            List<Integer> clearing = records.takeEnded();

            Claims.Claim none = claimer.claim(2, () -> true);
            assertEquals(0, none.rows());
            assertTrue(none.full(2), "no slot to record a task in: not a sign the queue is empty");
            assertEquals(5, queue.stats().pending(), "nothing was taken");

            records.cleared(List.of(clearing.get(0))); // one slot back
            Claims.Claim one = claimer.claim(2, () -> true);
            assertEquals(1, one.rows());
            assertTrue(one.full(2), "took all its one slot allowed: there may be more");

            records.cleared(List.of(clearing.get(1)));
            records.deleted(one.runnable().get(0).slot());
            Claims.Claim two = claimer.claim(2, () -> true);
            assertEquals(2, two.rows());
            assertTrue(two.full(2));
            records.deleted(two.runnable().get(0).slot());
            records.deleted(two.runnable().get(1).slot());

            Claims.Claim last = claimer.claim(2, () -> true);
            assertEquals(2, last.rows(), "the last two of five");
            records.deleted(last.runnable().get(0).slot());
            records.deleted(last.runnable().get(1).slot());
            Claims.Claim empty = claimer.claim(2, () -> true);
            assertEquals(0, empty.rows());
            assertFalse(empty.full(2), "slots for two, none due: the queue is empty");
        }
    }
}
