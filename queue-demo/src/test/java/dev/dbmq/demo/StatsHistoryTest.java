package dev.dbmq.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dbmq.QueueStats;
import dev.dbmq.QueueStats.TaskCounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsHistoryTest {

    static QueueStats stats(long pending, long digestsDone, long flakyFailed) {
        return new QueueStats(pending, Duration.ZERO, Map.of("digest", new TaskCounts(digestsDone, 0),
                "flaky", new TaskCounts(0, flakyFailed)), flakyFailed, Map.of());
    }

    @Test
    void rates_are_per_minute_over_the_last_minute() {
        StatsHistory h = new StatsHistory(100);
        h.add(0, stats(0, 1000, 0));       // outside the window at t=90 s
        h.add(30_000, stats(5, 1100, 2));  // the window's base
        h.add(60_000, stats(9, 1130, 3));
        h.add(90_000, stats(0, 1160, 4));
        Map<String, StatsHistory.Rate> rates = h.rates();
        assertEquals(new StatsHistory.Rate(1160, 0, 60.0, 0.0), rates.get("digest"));
        assertEquals(new StatsHistory.Rate(0, 4, 0.0, 2.0), rates.get("flaky"));
    }

    @Test
    void early_on_rates_cover_what_there_is() {
        StatsHistory h = new StatsHistory(100);
        h.add(0, stats(0, 0, 0));
        assertEquals(0.0, h.rates().get("digest").donePerMinute(), "one sample: no rate yet");
        h.add(10_000, stats(0, 20, 0));
        assertEquals(120.0, h.rates().get("digest").donePerMinute());
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
