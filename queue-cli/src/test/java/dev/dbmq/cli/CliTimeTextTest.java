package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Times as typed on the command line, and durations as printed: tables, no database. */
class CliTimeTextTest {

    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"30s, PT30S", "5m, PT5M", "2h, PT2H", "7d, PT168H", "1h30m, PT1H30M", "250ms, PT0.25S",
            "PT5M, PT5M", "p1d, PT24H", "' 2H ', PT2H", "0s, PT0S"})
    void durations(String text, String expected) {
        assertEquals(Duration.parse(expected), TimeText.duration(text));
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"", "5", "m", "5 m", "-5m", "PT-5M", "5w", "soon", "1.5h"})
    void not_durations(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeText.duration(text));
        assertTrue(e.getMessage().contains("is not a duration: write e.g. 30s, 5m, 2h, 7d, 1h30m or PT5M"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"7d, 2026-03-03T12:00:00Z", "2h, 2026-03-10T10:00:00Z", "+2h, 2026-03-10T14:00:00Z",
            "2026-03-01T00:00:00Z, 2026-03-01T00:00:00Z", "2026-03-01T01:00:00+01:00, 2026-03-01T00:00:00Z",
            "2026-03-01T00:00Z, 2026-03-01T00:00:00Z"})
    void instants(String text, String expected) {
        assertEquals(Instant.parse(expected), TimeText.instant(text, NOW));
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"yesterday", "2026-03-01", "2026-03-01T00:00:00", "+", "2026-02-30T00:00Z"})
    void not_instants(String text) {
        assertThrows(IllegalArgumentException.class, () -> TimeText.instant(text, NOW));
    }

    @ParameterizedTest(name = "{0} reads {1}")
    @CsvSource({"PT0.25S, 250 ms", "PT1.5S, 1.5 s", "PT99.9S, 99.9 s", "PT100S, 1.7 min", "PT100M, 1.7 h",
            "PT47H, 47.0 h", "PT72H, 3.0 d", "PT-5S, 0 ms"})
    void words(String duration, String expected) {
        assertEquals(expected, TimeText.words(Duration.parse(duration)));
    }
}
