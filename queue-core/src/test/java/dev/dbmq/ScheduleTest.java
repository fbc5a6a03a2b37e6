package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected times are worked out from the calendar and the tz rules by hand, never from the code under test. */
class ScheduleTest {

    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

    private static Instant at(String isoOffsetDateTime) {
        return OffsetDateTime.parse(isoOffsetDateTime).toInstant();
    }

    /** first(after), then each next one claimed on time: next(due, due). */
    private static List<Instant> run(Schedule schedule, Instant after, int count) {
        List<Instant> due = new ArrayList<>();
        Instant t = schedule.first(after);
        while (due.size() < count) {
            due.add(t);
            t = schedule.next(t, t);
        }
        return due;
    }

    /** An expression in a zone, asked after an instant: the first due times, each claimed on time. */
    static Stream<Arguments> cronCases() {
        return Stream.of(
                // steps, ranges, lists
                cron("*/15 * * * *", "UTC", "2026-01-01T00:07Z",
                        "2026-01-01T00:15Z", "2026-01-01T00:30Z", "2026-01-01T00:45Z", "2026-01-01T01:00Z"),
                cron("*/15 * * * *", "UTC", "2026-01-01T00:14:59.999Z", "2026-01-01T00:15Z", "2026-01-01T00:30Z"),
                cron("10-50/20 * * * *", "UTC", "2026-01-01T00:00Z",
                        "2026-01-01T00:10Z", "2026-01-01T00:30Z", "2026-01-01T00:50Z", "2026-01-01T01:10Z"),
                cron("5/30 * * * *", "UTC", "2026-01-01T00:05Z",
                        "2026-01-01T00:35Z", "2026-01-01T01:05Z", "2026-01-01T01:35Z"),
                cron("0 9-11 * * *", "UTC", "2026-01-01T10:00Z",
                        "2026-01-01T11:00Z", "2026-01-02T09:00Z", "2026-01-02T10:00Z"),
                cron("0,30 8,17 * * *", "UTC", "2026-01-01T08:10Z",
                        "2026-01-01T08:30Z", "2026-01-01T17:00Z", "2026-01-01T17:30Z", "2026-01-02T08:00Z"),
                cron("0 0-23/6 1 * *", "UTC", "2026-01-01T12:00Z",
                        "2026-01-01T18:00Z", "2026-02-01T00:00Z", "2026-02-01T06:00Z"),
                // month and weekday names (2026-01-01 is a Thursday)
                cron("0 0 1 JAN,jul *", "UTC", "2026-01-01T00:00Z",
                        "2026-07-01T00:00Z", "2027-01-01T00:00Z", "2027-07-01T00:00Z"),
                cron("0 0 1 Mar-May *", "UTC", "2026-01-01T00:00Z",
                        "2026-03-01T00:00Z", "2026-04-01T00:00Z", "2026-05-01T00:00Z", "2027-03-01T00:00Z"),
                cron("30 6 * * mon-fri", "UTC", "2026-01-02T07:00Z",
                        "2026-01-05T06:30Z", "2026-01-06T06:30Z", "2026-01-07T06:30Z"),
                cron("0 12 * * SAT,Sun", "UTC", "2026-01-01T00:00Z",
                        "2026-01-03T12:00Z", "2026-01-04T12:00Z", "2026-01-10T12:00Z"),
                // day-of-week 0 and 7 are Sunday
                cron("0 12 * * 7", "UTC", "2026-01-01T00:00Z", "2026-01-04T12:00Z", "2026-01-11T12:00Z"),
                cron("0 12 * * 0", "UTC", "2026-01-01T00:00Z", "2026-01-04T12:00Z", "2026-01-11T12:00Z"),
                cron("0 12 * * 5-7", "UTC", "2026-01-01T00:00Z",
                        "2026-01-02T12:00Z", "2026-01-03T12:00Z", "2026-01-04T12:00Z", "2026-01-09T12:00Z"),
                cron("0 12 * * */3", "UTC", "2026-01-01T00:00Z",
                        "2026-01-03T12:00Z", "2026-01-04T12:00Z", "2026-01-07T12:00Z", "2026-01-10T12:00Z"),
                // both day fields restricted: either matches (the 13th, or a Friday); one restricted: it decides
                cron("0 0 13 * FRI", "UTC", "2026-01-01T00:00Z",
                        "2026-01-02T00:00Z", "2026-01-09T00:00Z", "2026-01-13T00:00Z", "2026-01-16T00:00Z"),
                cron("0 0 13 * *", "UTC", "2026-01-01T00:00Z", "2026-01-13T00:00Z", "2026-02-13T00:00Z"),
                cron("0 0 * * FRI", "UTC", "2026-01-01T00:00Z",
                        "2026-01-02T00:00Z", "2026-01-09T00:00Z", "2026-01-16T00:00Z"),
                // a field starting with * (also */n): both must match, as Vixie cron (the 1st, 11th, 21st, 31st
                // that is a Monday)
                cron("0 0 */10 * MON", "UTC", "2026-01-01T00:00Z",
                        "2026-05-11T00:00Z", "2026-06-01T00:00Z", "2026-08-31T00:00Z"),
                cron("0 0 31 2 MON", "UTC", "2026-02-01T00:00Z", "2026-02-02T00:00Z", "2026-02-09T00:00Z"),
                // macros
                cron("@yearly", "UTC", "2026-03-01T00:00Z", "2027-01-01T00:00Z", "2028-01-01T00:00Z"),
                cron("@annually", "UTC", "2026-03-01T00:00Z", "2027-01-01T00:00Z", "2028-01-01T00:00Z"),
                cron("@monthly", "UTC", "2026-01-31T12:00Z", "2026-02-01T00:00Z", "2026-03-01T00:00Z"),
                cron("@weekly", "UTC", "2026-01-01T00:00Z", "2026-01-04T00:00Z", "2026-01-11T00:00Z"),
                cron("@daily", "UTC", "2026-01-01T00:00Z", "2026-01-02T00:00Z", "2026-01-03T00:00Z"),
                cron("@MIDNIGHT", "UTC", "2026-01-01T00:00Z", "2026-01-02T00:00Z", "2026-01-03T00:00Z"),
                cron("@hourly", "UTC", "2026-01-01T00:30Z", "2026-01-01T01:00Z", "2026-01-01T02:00Z"),
                // month ends, leap days (2100 is no leap year), year rollover
                cron("0 0 31 * *", "UTC", "2026-01-31T00:00Z",
                        "2026-03-31T00:00Z", "2026-05-31T00:00Z", "2026-07-31T00:00Z", "2026-08-31T00:00Z",
                        "2026-10-31T00:00Z"),
                cron("0 0 30 * *", "UTC", "2026-01-30T00:00Z", "2026-03-30T00:00Z", "2026-04-30T00:00Z"),
                cron("0 0 29 2 *", "UTC", "2026-01-01T00:00Z", "2028-02-29T00:00Z", "2032-02-29T00:00Z"),
                cron("0 0 29 2 *", "UTC", "2096-02-29T00:00Z", "2104-02-29T00:00Z", "2108-02-29T00:00Z"),
                cron("59 23 31 12 *", "UTC", "2026-12-31T23:59Z", "2027-12-31T23:59Z", "2028-12-31T23:59Z"),
                cron("0 0 * * *", "UTC", "2026-12-31T23:59:59.999Z", "2027-01-01T00:00Z", "2027-01-02T00:00Z"),
                // in a zone with an offset
                cron("0 3 * * *", "Europe/Amsterdam", "2026-01-01T00:00Z",
                        "2026-01-01T03:00+01:00", "2026-01-02T03:00+01:00"),
                cron("0 3 * * *", "Europe/Amsterdam", "2026-07-01T00:00Z",
                        "2026-07-01T03:00+02:00", "2026-07-02T03:00+02:00"),
                // Amsterdam, spring 2026-03-29: 02:00 +01:00 jumps to 03:00 +02:00; a gap time runs shifted by the gap
                cron("30 2 * * *", "Europe/Amsterdam", "2026-03-28T00:00Z",
                        "2026-03-28T02:30+01:00", "2026-03-29T03:30+02:00", "2026-03-30T02:30+02:00"),
                cron("0 * * * *", "Europe/Amsterdam", "2026-03-29T00:30+01:00",
                        "2026-03-29T01:00+01:00", "2026-03-29T03:00+02:00", "2026-03-29T04:00+02:00"),
                cron("*/15 * * * *", "Europe/Amsterdam", "2026-03-29T01:30+01:00",
                        "2026-03-29T01:45+01:00", "2026-03-29T03:00+02:00", "2026-03-29T03:15+02:00",
                        "2026-03-29T03:30+02:00"),
                // ... and asked just after the jump, the shifted 02:45 is still to come at 03:45
                cron("45 2 * * *", "Europe/Amsterdam", "2026-03-29T03:10+02:00",
                        "2026-03-29T03:45+02:00", "2026-03-30T02:45+02:00"),
                // Amsterdam, autumn 2026-10-25: 03:00 +02:00 falls back to 02:00 +01:00; 02:xx runs once, first
                cron("30 2 * * *", "Europe/Amsterdam", "2026-10-24T00:00Z",
                        "2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00"),
                cron("0 * * * *", "Europe/Amsterdam", "2026-10-25T00:30+02:00",
                        "2026-10-25T01:00+02:00", "2026-10-25T02:00+02:00", "2026-10-25T03:00+01:00",
                        "2026-10-25T04:00+01:00"),
                cron("*/15 * * * *", "Europe/Amsterdam", "2026-10-25T02:30+02:00",
                        "2026-10-25T02:45+02:00", "2026-10-25T03:00+01:00", "2026-10-25T03:15+01:00"),
                // ... and asked during the repeated pass, nothing runs until 03:00 +01:00
                cron("*/15 * * * *", "Europe/Amsterdam", "2026-10-25T02:10+01:00",
                        "2026-10-25T03:00+01:00", "2026-10-25T03:15+01:00"),
                cron("30 2 * * *", "Europe/Amsterdam", "2026-10-25T02:10+01:00", "2026-10-26T02:30+01:00"),
                // Lord Howe, 2026-10-04: 02:00 +10:30 jumps to 02:30 +11:00; the shifted 02:25 (02:55) runs after 02:35
                cron("25,35 2 * * *", "Australia/Lord_Howe", "2026-10-04T01:00+10:30",
                        "2026-10-04T02:35+11:00", "2026-10-04T02:55+11:00", "2026-10-05T02:25+11:00")
        );
    }

    private static Arguments cron(String expression, String zone, String after, String... expected) {
        return Arguments.of(expression, zone, after, List.of(expected));
    }

    @ParameterizedTest(name = "[{index}] {0} in {1} after {2}")
    @MethodSource("cronCases")
    void cron_matches(String expression, String zone, String after, List<String> expected) {
        Schedule schedule = Schedule.cron(expression, ZoneId.of(zone));
        List<Instant> want = expected.stream().map(ScheduleTest::at).toList();
        assertEquals(want, run(schedule, at(after), want.size()));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} runs")
    @CsvSource(delimiter = '|', textBlock = """
            0 * * * *    | 2026-03-28 | 24
            0 * * * *    | 2026-03-29 | 23
            0 * * * *    | 2026-10-25 | 24
            */15 * * * * | 2026-03-29 | 92
            */15 * * * * | 2026-10-25 | 96
            30 2 * * *   | 2026-03-29 | 1
            30 2 * * *   | 2026-10-25 | 1
            """)
    void runs_in_one_amsterdam_day(String expression, String day, int runs) {
        Schedule schedule = Schedule.cron(expression, AMSTERDAM);
        LocalDate date = LocalDate.parse(day);
        Instant start = date.atStartOfDay(AMSTERDAM).toInstant();
        Instant end = date.plusDays(1).atStartOfDay(AMSTERDAM).toInstant();
        List<Instant> seen = new ArrayList<>();
        for (Instant t = schedule.first(start.minusMillis(1)); t.isBefore(end); t = schedule.next(t, t)) {
            assertTrue(seen.isEmpty() || t.isAfter(seen.get(seen.size() - 1)), "strictly increasing");
            seen.add(t);
        }
        assertEquals(runs, seen.size(), seen.toString());
    }

    @Test
    void cron_next_skips_missed_matches() {
        Schedule daily = Schedule.cron("0 3 * * *", ZoneOffset.UTC);
        Instant due = at("2026-01-01T03:00Z");
        // Down for four days: the next one is after now, the missed ones are not run.
        assertEquals(at("2026-01-06T03:00Z"), daily.next(due, at("2026-01-05T12:00Z")));
        // Claimed on time, or exactly at the next match: strictly after.
        assertEquals(at("2026-01-02T03:00Z"), daily.next(due, due));
        assertEquals(at("2026-01-03T03:00Z"), daily.next(due, at("2026-01-02T03:00Z")));
        // Claimed early (clock skew between hosts): after due, not after now.
        assertEquals(at("2026-01-02T03:00Z"), daily.next(due, at("2026-01-01T02:00Z")));
        assertEquals(at("2026-01-01T03:00Z"), daily.first(at("2026-01-01T02:59:59.999Z")));
        assertEquals(at("2026-01-02T03:00Z"), daily.first(due));
    }

    @Test
    void a_rare_match_is_found_by_days_not_minutes() {
        Schedule leapDay = Schedule.cron("0 0 29 2 *", ZoneOffset.UTC);
        List<Instant> due = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> run(leapDay, at("2000-03-01T00:00Z"), 500)); // about 2000 years
        for (Instant t : due) {
            OffsetDateTime d = t.atOffset(ZoneOffset.UTC);
            assertTrue(d.getMonthValue() == 2 && d.getDayOfMonth() == 29 && Year.isLeap(d.getYear()), d.toString());
        }
        assertEquals(at("2004-02-29T00:00Z"), due.get(0));
        // 2004 to 2400 hold 100 years divisible by 4, less 2100, 2200 and 2300: the 97th leap day is 2400's.
        assertEquals(at("2396-02-29T00:00Z"), due.get(95));
        assertEquals(at("2400-02-29T00:00Z"), due.get(96));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            61 * * * *          | minute field: 61 is out of range 0-59
            0-60 * * * *        | minute field: 60 is out of range 0-59
            99999999999 * * * * | minute field: 99999999999 is out of range 0-59
            * 24 * * *          | hour field: 24 is out of range 0-23
            * * 0 * *           | day-of-month field: 0 is out of range 1-31
            * * 32 * *          | day-of-month field: 32 is out of range 1-31
            * * * 13 *          | month field: 13 is out of range 1-12
            * * * 0 *           | month field: 0 is out of range 1-12
            * * * * 8           | day-of-week field: 8 is out of range 0-7
            * * * *             | expected 5 fields (minute hour day-of-month month day-of-week) or a macro, found 4
            * * * * * *         | expected 5 fields (minute hour day-of-month month day-of-week) or a macro, found 6
            ''                  | expected 5 fields (minute hour day-of-month month day-of-week) or a macro, found 0
            1,,2 * * * *        | minute field: empty item in "1,,2"
            * 5, * * *          | hour field: empty item in "5,"
            */0 * * * *         | minute field: step 0 in "*/0" is out of range 1-59
            * */24 * * *        | hour field: step 24 in "*/24" is out of range 1-23
            */x * * * *         | minute field: step "x" in "*/x" is not a number
            5-3 * * * *         | minute field: range 5-3 is reversed (5 > 3)
            * * * * FRI-MON     | day-of-week field: range FRI-MON is reversed (5 > 1)
            * * * FOO *         | month field: unknown name "FOO" (expected JAN-DEC or a number 1-12)
            * * * * FUNDAY      | day-of-week field: unknown name "FUNDAY" (expected SUN-SAT or a number 0-7)
            x * * * *           | minute field: "x" is not a number
            MON * * * *         | minute field: "MON" is not a number
            -1 * * * *          | minute field: "-1" is missing a value
            * * 1- * *          | day-of-month field: "1-" is missing a value
            0 0 31 2 *          | never matches: no month of month field "2" has a day of day-of-month field "31"
            0 0 30 2 *          | never matches: no month of month field "2" has a day of day-of-month field "30"
            0 0 31 APR,JUN *    | never matches: no month of month field "APR,JUN" has a day of day-of-month field "31"
            @reboot             | unknown macro; known: @yearly @annually @monthly @weekly @daily @midnight @hourly
            """)
    void bad_cron_expressions_are_refused_naming_field_and_value(String expression, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.cron(expression, ZoneOffset.UTC));
        assertEquals("cron \"" + expression + "\": " + problem, e.getMessage());
    }

    @Test
    void nulls_are_refused_naming_the_parameter() {
        assertEquals("expression", assertThrows(NullPointerException.class,
                () -> Schedule.cron(null, ZoneOffset.UTC)).getMessage());
        assertEquals("zone", assertThrows(NullPointerException.class,
                () -> Schedule.cron("* * * * *", null)).getMessage());
        assertEquals("period", assertThrows(NullPointerException.class, () -> Schedule.every(null)).getMessage());
        assertEquals("spec", assertThrows(NullPointerException.class, () -> Schedule.parse(null)).getMessage());
    }

    @Test
    void every_runs_on_a_grid_anchored_on_the_due_time() {
        Schedule every10s = Schedule.every(Duration.ofSeconds(10));
        Instant t = at("2026-01-01T00:00Z");
        assertEquals(at("2026-01-01T00:00:10Z"), every10s.first(t));
        assertEquals(at("2026-01-01T00:00:10Z"), every10s.next(t, t));
        // Claimed late, by 2.5 periods: the grid goes on at T + 3 periods, the missed ticks are skipped.
        assertEquals(at("2026-01-01T00:00:30Z"), every10s.next(t, at("2026-01-01T00:00:25Z")));
        // Claimed exactly on a later tick: strictly after it.
        assertEquals(at("2026-01-01T00:00:40Z"), every10s.next(t, at("2026-01-01T00:00:30Z")));
        // Claimed a little late each time: no drift.
        assertEquals(at("2026-01-01T00:00:20Z"), every10s.next(at("2026-01-01T00:00:10Z"),
                at("2026-01-01T00:00:10.250Z")));
        // Claimed early: one period after due.
        assertEquals(at("2026-01-01T00:00:10Z"), every10s.next(t, at("2025-12-31T23:59:59Z")));
        // Down for 1000 days = 86,400,000 s; 86,400,000 / 7 = 12,342,857.1: the next tick is 12,342,858 * 7 s.
        Schedule every7s = Schedule.every(Duration.ofSeconds(7));
        assertEquals(t.plusSeconds(86_400_006), every7s.next(t, t.plus(Duration.ofDays(1000))));
        // The shortest and longest periods.
        assertEquals(at("2026-01-01T00:00:00.001Z"), Schedule.every(Duration.ofMillis(1)).next(t, t));
        assertEquals(at("2027-01-02T00:00Z"), Schedule.every(Duration.ofDays(366)).first(t));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"PT0S", "PT-1S", "PT0.000999999S", "PT0.0015S", "PT8784H0.001S", "PT8808H", "PT-8784H"})
    void bad_periods_are_refused_naming_period_and_value(Duration period) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.every(period));
        assertEquals("period must be whole milliseconds, 1 ms to 366 days, was " + period, e.getMessage());
    }

    @Test
    void spec_round_trips_through_parse() {
        List<Schedule> schedules = List.of(
                Schedule.every(Duration.ofSeconds(30)),
                Schedule.every(Duration.ofMillis(1)),
                Schedule.every(Duration.ofDays(366)),
                Schedule.cron("0 3 * * *", AMSTERDAM),
                Schedule.cron("*/15 9-17 * JAN-mar mon-FRI", ZoneId.of("America/New_York")),
                Schedule.cron("@daily", ZoneOffset.UTC),
                Schedule.cron("0 0 * * *", ZoneOffset.ofHours(5)),
                Schedule.cron("0 0 * * *", ZoneId.of("UTC")));
        for (Schedule s : schedules) {
            Schedule parsed = Schedule.parse(s.spec());
            assertEquals(s, parsed);
            assertEquals(s.spec(), parsed.spec());
            assertEquals(s.next(at("2026-05-05T05:05Z"), at("2026-05-05T05:05Z")),
                    parsed.next(at("2026-05-05T05:05Z"), at("2026-05-05T05:05Z")));
        }
        assertEquals("every PT30S", schedules.get(0).spec());
        assertEquals("every PT0.001S", schedules.get(1).spec());
        assertEquals("cron 0 3 * * * Europe/Amsterdam", schedules.get(3).spec());
        assertEquals("cron @daily Z", schedules.get(5).spec());
        assertEquals("cron 0 0 * * * +05:00", schedules.get(6).spec());
        assertEquals("cron 0 0 * * * UTC", schedules.get(7).spec());
        // White space in an expression is not part of its spec.
        assertEquals("cron 0 3 * * * UTC", Schedule.cron(" 0\t3  * * * ", ZoneId.of("UTC")).spec());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ''                               | expected "every <ISO-8601 duration>" or "cron <expression> <zone id>"
            hourly                           | expected "every <ISO-8601 duration>" or "cron <expression> <zone id>"
            cron UTC                         | expected "every <ISO-8601 duration>" or "cron <expression> <zone id>"
            every PT0S                       | period must be whole milliseconds, 1 ms to 366 days, was PT0S
            every 30s                        | Text cannot be parsed to a Duration
            cron 61 * * * * UTC              | cron "61 * * * *": minute field: 61 is out of range 0-59
            cron 0 3 * * * Mars/Olympus      | Unknown time-zone ID: Mars/Olympus
            """)
    void bad_specs_are_refused_naming_them(String spec, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(spec));
        assertEquals("schedule spec \"" + spec + "\": " + problem, e.getMessage());
    }

    @Test
    void a_spec_missing_its_zone_is_refused() {
        // The last word is taken as the zone: "*" is none.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.parse("cron 0 3 * * *"));
        assertTrue(e.getMessage().startsWith("schedule spec \"cron 0 3 * * *\": "), e.getMessage());
    }

    @Test
    void equal_by_spec() {
        assertEquals(Schedule.every(Duration.ofSeconds(60)), Schedule.every(Duration.ofMinutes(1)));
        assertEquals(Schedule.every(Duration.ofSeconds(60)).hashCode(),
                Schedule.every(Duration.ofMinutes(1)).hashCode());
        assertNotEquals(Schedule.every(Duration.ofSeconds(60)), Schedule.every(Duration.ofSeconds(61)));
        assertEquals(Schedule.cron("0 3 * * *", AMSTERDAM), Schedule.cron("0  3 * * *", ZoneId.of("Europe/Amsterdam")));
        assertEquals(Schedule.cron("0 3 * * *", AMSTERDAM).hashCode(),
                Schedule.cron("0  3 * * *", ZoneId.of("Europe/Amsterdam")).hashCode());
        assertNotEquals(Schedule.cron("0 3 * * *", AMSTERDAM), Schedule.cron("0 3 * * *", ZoneId.of("Europe/Paris")));
        assertNotEquals(Schedule.cron("0 3 * * *", AMSTERDAM), Schedule.cron("0 4 * * *", AMSTERDAM));
        assertNotEquals(Schedule.cron("0 * * * *", ZoneOffset.UTC), Schedule.every(Duration.ofHours(1)));
        assertNotEquals(Schedule.every(Duration.ofHours(1)), "every PT1H");
    }

    @Test
    void readable_to_string() {
        assertEquals("Schedule.cron(\"0 3 * * *\", Europe/Amsterdam)",
                Schedule.cron("0 3 * * *", AMSTERDAM).toString());
        assertEquals("Schedule.every(PT30S)", Schedule.every(Duration.ofSeconds(30)).toString());
    }
}
