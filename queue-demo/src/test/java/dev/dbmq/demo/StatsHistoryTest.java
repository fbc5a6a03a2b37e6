package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.QueueStats;
import dev.dbmq.QueueStats.TaskCounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatsHistoryTest {

    static QueueStats stats(long pending, long digestsDone, long flakyFailed) {
        return new QueueStats(pending, Duration.ZERO, Map.of("digest", new TaskCounts(digestsDone, 0),
                "flaky", new TaskCounts(0, flakyFailed)), flakyFailed, Map.of(), pending, 0, 0, Optional.empty(), 0, Map.of(),
                java.util.Set.of());
    }

    static QueueStats waiting(long pending, long oldestAgeMillis, long digestsDone) {
        return new QueueStats(pending, Duration.ofMillis(oldestAgeMillis),
                Map.of("digest", new TaskCounts(digestsDone, 0)), 0, Map.of(), pending, 0, 0, Optional.empty(), 0, Map.of(),
                java.util.Set.of());
    }

    @Test
    void rates_count_what_finished_over_the_last_minute() {
        StatsHistory h = new StatsHistory(100);
        h.add(0, stats(0, 1000, 0));       // outside the window at t=90 s
        h.add(30_000, stats(5, 1100, 2));  // the window's base
        h.add(60_000, stats(9, 1130, 3));
        h.add(90_000, stats(0, 1160, 4));
        StatsHistory.Rates rates = h.rates();
        assertEquals(60_000, rates.windowMillis());
        assertEquals(new StatsHistory.Rate(1160, 0, 60, 0), rates.tasks().get("digest"));
        assertEquals(new StatsHistory.Rate(0, 4, 0, 2), rates.tasks().get("flaky"));
    }

    @Test
    void a_short_window_is_not_extrapolated_to_a_minute() {
        // A young server once showed 2008/min after 501 tasks; before this change this read 2004.0 per minute
        StatsHistory h = new StatsHistory(100);
        h.add(0, stats(0, 0, 0));
        assertEquals(new StatsHistory.Rates(0, Map.of("digest", new StatsHistory.Rate(0, 0, 0, 0),
                "flaky", new StatsHistory.Rate(0, 0, 0, 0))), h.rates(), "one sample: a window of nothing");
        h.add(15_000, stats(0, 501, 0));
        StatsHistory.Rates rates = h.rates();
        assertEquals(15_000, rates.windowMillis(), "the window the data covers, not a minute");
        assertEquals(501, rates.tasks().get("digest").doneInWindow(), "what finished in it, not 2004");
    }

    @Test
    void a_queue_with_old_pending_tasks_and_nothing_finished_for_30_s_is_stalled() {
        StatsHistory h = new StatsHistory(100);
        h.add(0, waiting(5, 31_000, 10));
        h.add(29_999, waiting(5, 60_999, 10));
        assertFalse(h.stalled(), "under 30 s of history: not known yet");
        h.add(30_000, waiting(5, 61_000, 10));
        assertTrue(h.stalled(), "pending, oldest 61 s, nothing finished for 30 s");
        h.add(31_000, waiting(5, 62_000, 11));
        assertFalse(h.stalled(), "a task finished in the last 30 s");
    }

    @Test
    void an_empty_or_young_queue_is_not_stalled() {
        StatsHistory idle = new StatsHistory(100);
        idle.add(0, waiting(0, 0, 10));
        idle.add(60_000, waiting(0, 0, 10));
        assertFalse(idle.stalled(), "nothing pending: idle, not stalled");

        StatsHistory fresh = new StatsHistory(100);
        fresh.add(0, waiting(0, 0, 10));
        fresh.add(60_000, waiting(3, 30_000, 10));
        assertFalse(fresh.stalled(), "tasks waiting 30 s, not more");

        assertFalse(new StatsHistory(2).stalled(), "no sample");
    }

    @Test
    void points_are_depth_and_finished_tasks_per_interval_and_the_ring_forgets() {
        StatsHistory h = new StatsHistory(3);
        h.add(0, stats(50, 0, 0));
        h.add(1000, stats(40, 10, 1));
        h.add(2000, stats(0, 50, 1));
        h.add(3000, stats(0, 50, 2));
        assertEquals(List.of(new StatsHistory.Point(2000, 0, 40, 0), new StatsHistory.Point(3000, 0, 0, 1)),
                h.points());
    }

    @Test
    void a_ring_of_fewer_than_two_samples_is_refused() {
        assertEquals("capacity must be >= 2, was 1",
                assertThrows(IllegalArgumentException.class, () -> new StatsHistory(1)).getMessage());
    }
}
