package dev.dbmq;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Objects;

/**
 * {@link Schedule#cron(String, ZoneId)}: a {@link CronExpression} in a zone. Local matches become instants as
 * {@link ZonedDateTime#ofLocal} makes them (a gap shifts them forward, an overlap takes the earlier offset); the next
 * due time is the first such instant strictly after the given one.
 */
final class CronSchedule extends Schedule {

    static final String PREFIX = "cron ";

    private final String expression; // fields separated by single spaces
    private final ZoneId zone;
    private final CronExpression cron;

    CronSchedule(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.expression = String.join(" ", expression.trim().split("\\s+"));
        this.cron = CronExpression.parse(this.expression);
    }

    @Override
    public Instant first(Instant now) {
        return firstMatchAfter(now);
    }

    @Override
    public Instant next(Instant due, Instant now) {
        return firstMatchAfter(due.isAfter(now) ? due : now);
    }

    private Instant firstMatchAfter(Instant after) {
        ZoneRules rules = zone.getRules();
        ZoneOffset offset = rules.getOffset(after);
        ZoneOffsetTransition last = rules.previousTransition(after.plusNanos(1)); // at or before after
        if (last != null && last.isGap() && after.isBefore(last.getInstant().plus(last.getDuration()))) {
            // Within a gap's length after a spring-forward, local times of the gap still run later, shifted: look for
            // matches from the gap's start on.
            offset = last.getOffsetBefore();
        }
        LocalDateTime from = LocalDateTime.ofInstant(after, offset).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        while (true) {
            LocalDateTime match = cron.nextOrSame(from);
            ZonedDateTime at = ZonedDateTime.ofLocal(match, zone, null);
            if (at.toInstant().isAfter(after)) {
                return at.toLocalDateTime().equals(match) ? at.toInstant() : earliestAfterShifted(match, at, after);
            }
            from = match.plusMinutes(1); // the repeated pass of an overlap, or a shifted match already past
        }
    }

    /**
     * {@code match} fell in a gap and runs shifted, at {@code at}; a match after the gap but before {@code at}'s local
     * time runs before it (possible when the gap is not a whole hour).
     */
    private Instant earliestAfterShifted(LocalDateTime match, ZonedDateTime at, Instant after) {
        Instant earliest = at.toInstant();
        for (LocalDateTime m = cron.nextOrSame(match.plusMinutes(1)); m.isBefore(at.toLocalDateTime());
                m = cron.nextOrSame(m.plusMinutes(1))) {
            Instant instant = ZonedDateTime.ofLocal(m, zone, null).toInstant();
            if (instant.isAfter(after) && instant.isBefore(earliest)) {
                earliest = instant;
            }
        }
        return earliest;
    }

    @Override
    public String spec() {
        return PREFIX + expression + " " + zone.getId();
    }

    @Override
    public String toString() {
        return "Schedule.cron(\"" + expression + "\", " + zone.getId() + ")";
    }
}
