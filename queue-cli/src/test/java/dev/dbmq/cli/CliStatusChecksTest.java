package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbmq.QueueStats;
import dev.dbmq.TaskNameStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The health checks as a pure function of what was read: a table, no database. */
class CliStatusChecksTest {

    static QueueStats stats(long due, Duration oldest, long failedKept) {
        return new QueueStats(due, oldest, Map.of(), failedKept, Map.of(), due, 0, 0, Optional.empty(), 0, Map.of(),
                java.util.Set.of());
    }

    @ParameterizedTest(name = "due {0}, oldest {1}, foremen {2}, failed {3}; max-age {4} min-foremen {5}"
            + " max-failed {6}: {7}")
    @CsvSource(nullValues = "-", value = {
            // due, oldest, foremen, failed, max-age, min-foremen, max-failed, results
            "0, PT0S,  0, 0, -,    -, -, ''",
            "5, PT10S, 1, 0, PT10S, -, -, max-age=ok",
            "5, PT11S, 1, 0, PT10S, -, -, max-age=FAILED",
            "0, PT1H,  1, 0, PT10S, -, -, max-age=ok", // nothing due: no age, whatever the stats carry
            "5, PT1S,  0, 0, -,    1, -, min-foremen=FAILED",
            "5, PT1S,  2, 0, -,    2, -, min-foremen=ok",
            "5, PT1S,  2, 3, -,    -, 3, max-failed=ok",
            "5, PT1S,  2, 4, -,    -, 3, max-failed=FAILED",
            "5, PT1M,  0, 4, PT2M, 1, 3, max-age=ok min-foremen=FAILED max-failed=FAILED"})
    void checks(long due, String oldest, int foremen, long failed, String maxAge, Integer minForemen,
                Long maxFailed, String results) {
        List<StatusCommand.Check> checks = StatusCommand.checks(StatusCommand.Glance.of(stats(due, Duration.parse(oldest), failed)),
                foremen,
                maxAge == null ? null : Duration.parse(maxAge), minForemen, maxFailed);
        assertEquals(results, String.join(" ", checks.stream()
                .map(c -> c.name() + "=" + (c.ok() ? "ok" : "FAILED")).toList()));
    }

    static TaskNameStats byName(String name, long due, long scheduled, long failedKept, String oldest) {
        return new TaskNameStats(name, due, scheduled, 0, 1, failedKept, 7, failedKept,
                Duration.parse(oldest), Optional.empty());
    }

    /** Counts that stopped at the limit make their totals "at least", and a check on them says so. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # name a: due, scheduled, failed kept (b: 2, 3, 1) | pending | due | failed kept | exact | max-failed 5, 20000
            3 2 1                                 | 10       | 5       | 2           | true  | max-failed=ok max-failed=ok
            10000 2 1                             | 10007+   | 10002+  | 2           | false | max-failed=ok max-failed=ok
            3 10000 10000                         | 10008+   | 5       | 10001+      | false | max-failed=FAILED max-failed=FAILED
            """)
    void bounded_counts(String a, String pending, String due, String failedKept, boolean exact, String checks) {
        long[] n = java.util.Arrays.stream(a.split(" ")).mapToLong(Long::parseLong).toArray();
        StatusCommand.Glance glance = StatusCommand.Glance.of(List.of(byName("a", n[0], n[1], n[2], "PT1M"),
                byName("b", 2, 3, 1, "PT2M")));
        assertEquals(pending, glance.pending().toString());
        assertEquals(due, glance.due().toString());
        assertEquals(failedKept, glance.failedKept().toString());
        assertEquals(exact, glance.exact());
        assertEquals(Duration.ofMinutes(2), glance.oldestDueAge(), "the oldest of the names'");
        assertEquals(2, glance.running());
        String results = String.join(" ", java.util.stream.Stream.of(5L, 20_000L)
                .flatMap(max -> StatusCommand.checks(glance, 0, null, null, max).stream())
                .map(c -> c.name() + "=" + (c.ok() ? "ok" : "FAILED")).toList());
        assertEquals(checks, results);
    }
}
