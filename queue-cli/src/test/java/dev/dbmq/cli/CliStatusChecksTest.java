package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbmq.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The health checks as a pure function of what was read: a table, no database. */
class CliStatusChecksTest {

    static QueueStats stats(long due, Duration oldest, long failedKept) {
        return new QueueStats(due, oldest, Map.of(), failedKept, Map.of(), due, 0, 0, Optional.empty(), 0, Map.of());
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
        List<StatusCommand.Check> checks = StatusCommand.checks(stats(due, Duration.parse(oldest), failed), foremen,
                maxAge == null ? null : Duration.parse(maxAge), minForemen, maxFailed);
        assertEquals(results, String.join(" ", checks.stream()
                .map(c -> c.name() + "=" + (c.ok() ? "ok" : "FAILED")).toList()));
    }
}
