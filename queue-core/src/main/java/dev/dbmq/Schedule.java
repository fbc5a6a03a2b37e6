package dev.dbmq;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * When a recurring task is due: at a fixed rate ({@link #every(Duration)}) or on a cron expression evaluated in a
 * time zone ({@link #cron(String, ZoneId)}). Immutable; equal when their {@link #spec()} is.
 *
 * <p>A schedule has at most one pending instance. {@link #first(Instant)} gives the due time of the first one,
 * {@link #next(Instant, Instant)} that of the instance after one that was claimed. Ticks missed while nothing ran are
 * skipped, never run once each.
 *
 * <h2>Cron expressions</h2>
 * Five fields separated by white space: minute (0-59), hour (0-23), day-of-month (1-31), month (1-12 or
 * {@code JAN}-{@code DEC}) and day-of-week (0-7, where 0 and 7 are Sunday, or {@code SUN}-{@code SAT}); names are
 * case-insensitive. Each field is a comma-separated list of {@code *}, a value {@code a}, a range {@code a-b}
 * ({@code a <= b}, no wrapping), or one of those with a step: <code>&#42;/n</code>, {@code a-b/n}, and {@code a/n},
 * which means {@code a-max/n} (max is 7 for day-of-week). Or a macro: {@code @yearly} and {@code @annually}
 * ({@code 0 0 1 1 *}), {@code @monthly} ({@code 0 0 1 * *}), {@code @weekly} ({@code 0 0 * * 0}), {@code @daily} and
 * {@code @midnight} ({@code 0 0 * * *}), {@code @hourly} ({@code 0 * * * *}).
 *
 * <p>Day-of-month and day-of-week, as Vixie cron: when neither field starts with {@code *}, a day matches when either
 * field does ({@code 0 0 13 * FRI}: the 13th, and every Friday); when one does (<code>&#42;</code>,
 * <code>&#42;/n</code>), a day must match both. An expression that can never match (February 30) is refused.
 *
 * <p>Times are local times of the zone. Daylight saving time:
 * <ul>
 *   <li>A local time in a spring-forward gap runs shifted forward by the gap, at the later offset (as
 *       {@link java.time.ZonedDateTime#ofLocal}): in Europe/Amsterdam on 2026-03-29, where 02:00 jumps to 03:00,
 *       {@code 30 2 * * *} runs at 03:30. A shifted time that coincides with another match runs once: that day
 *       {@code 0 * * * *} runs 23 times (02:00 becomes 03:00), <code>&#42;/15 * * * *</code> 92 times (02:00-02:45
 *       become 03:00-03:45).</li>
 *   <li>A local time that occurs twice in an autumn overlap runs once, at its first (earlier-offset) occurrence; the
 *       repeated pass is skipped. In Europe/Amsterdam on 2026-10-25, where 03:00 falls back to 02:00,
 *       {@code 30 2 * * *} runs at 02:30 +02:00 only; {@code 0 * * * *} runs 24 times in the day's 25 hours, at 02:00
 *       +02:00 and next at 03:00 +01:00, two hours later; <code>&#42;/15 * * * *</code> runs 96 times, nothing
 *       after 02:45 +02:00 until 03:00 +01:00.</li>
 * </ul>
 */
public abstract sealed class Schedule permits EverySchedule, CronSchedule {

    Schedule() {
    }

    /**
     * At a fixed rate: the first instance is due one period after it is scheduled, each next one a whole number of
     * periods after the one before, missed ticks skipped.
     *
     * @param period 1 ms to 366 days, a whole number of milliseconds
     * @throws IllegalArgumentException when the period is not such a period
     */
    public static Schedule every(Duration period) {
        return new EverySchedule(period);
    }

    /**
     * On a cron expression (see the class documentation), evaluated in the local time of {@code zone}.
     *
     * @throws IllegalArgumentException when the expression is malformed or never matches; the message names the field
     *                                  and the value
     */
    public static Schedule cron(String expression, ZoneId zone) {
        return new CronSchedule(expression, zone);
    }

    /**
     * The first due time of a schedule that has no pending instance yet: {@code every} gives {@code now + period},
     * {@code cron} the first match strictly after {@code now}.
     */
    public abstract Instant first(Instant now);

    /**
     * The due time of the instance after one due at {@code due}, claimed at {@code now}, which may be long after
     * {@code due} (everything was down). Missed ticks are skipped, never run once each: {@code every} gives the first
     * time {@code due + k * period} ({@code k >= 1}) strictly after {@code now}, anchored on {@code due} so it does not
     * drift; {@code cron} the first match strictly after the later of {@code due} and {@code now}.
     */
    public abstract Instant next(Instant due, Instant now);

    /**
     * A stable text form, stored with a pending instance: {@code "every PT30S"}, {@code "cron 0 3 * * *
     * Europe/Amsterdam"}. Parsing it gives an equal schedule.
     */
    public abstract String spec();

    /**
     * The schedule of a {@link #spec()}.
     *
     * @throws IllegalArgumentException when it is not one, naming it
     */
    static Schedule parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        try {
            if (spec.startsWith(EverySchedule.PREFIX)) {
                return every(Duration.parse(spec.substring(EverySchedule.PREFIX.length())));
            }
            if (spec.startsWith(CronSchedule.PREFIX)) {
                String rest = spec.substring(CronSchedule.PREFIX.length());
                int space = rest.lastIndexOf(' ');
                if (space > 0) {
                    return cron(rest.substring(0, space), ZoneId.of(rest.substring(space + 1)));
                }
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException("schedule spec \"" + spec + "\": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("schedule spec \"" + spec + "\": expected \"" + EverySchedule.PREFIX
                + "<ISO-8601 duration>\" or \"" + CronSchedule.PREFIX + "<expression> <zone id>\"");
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof Schedule other && spec().equals(other.spec());
    }

    @Override
    public final int hashCode() {
        return spec().hashCode();
    }
}
