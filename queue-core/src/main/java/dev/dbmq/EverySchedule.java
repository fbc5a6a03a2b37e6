package dev.dbmq;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** {@link Schedule#every(Duration)}: a grid of due times one period apart, anchored on the previous due time. */
final class EverySchedule extends Schedule {

    static final String PREFIX = "every ";

    private static final Duration MIN = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofDays(366);

    private final Duration period;

    EverySchedule(Duration period) {
        Objects.requireNonNull(period, "period");
        // Due times are stored as epoch ms: a fraction of a millisecond would make the stored grid drift.
        if (period.compareTo(MIN) < 0 || period.compareTo(MAX) > 0 || period.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("period must be whole milliseconds, 1 ms to 366 days, was " + period);
        }
        this.period = period;
    }

    @Override
    public Instant first(Instant now) {
        return now.plus(period);
    }

    @Override
    public Instant next(Instant due, Instant now) {
        Duration late = Duration.between(due, now);
        long periods = late.isNegative() ? 1 : late.dividedBy(period) + 1;
        return due.plus(period.multipliedBy(periods));
    }

    @Override
    public String spec() {
        return PREFIX + period;
    }

    @Override
    public String toString() {
        return "Schedule.every(" + period + ")";
    }
}
