package dev.dbmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "PT0S, 0 s",
            "PT10S, 10 s",
            "PT1S, 1 s",
            "PT90S, 90 s",
            "PT2M, 2 min",
            "PT1H, 1 h",
            "PT336H, 14 d",
            "PT0.25S, 250 ms",
            "PT0.0005S, 0.5 ms",
            "PT0.000000001S, 0.000001 ms",
            "PT1.5S, 1.5 s",
            "PT1M0.001S, 60.001 s",
            "PT-15S, -15 s",
    })
    void formats_as_an_operator_reads_it(Duration d, String expected) {
        assertEquals(expected, Durations.format(d));
    }
}
