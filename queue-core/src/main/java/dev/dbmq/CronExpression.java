package dev.dbmq;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.util.Locale;
import java.util.Map;

/** A parsed five-field cron expression, matched against local date-times; knows nothing of zones. */
final class CronExpression {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    // The next Feb 29 can be 8 years away (2096 -> 2104); any expression that matches at all matches within 9.
    private static final int MAX_YEARS_AHEAD = 9;

    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek; // bit 0 is Sunday
    private final boolean eitherDay; // both day fields restricted: a day matches when either does

    private CronExpression(long minutes, long hours, long daysOfMonth, long months, long daysOfWeek,
                           boolean eitherDay) {
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.eitherDay = eitherDay;
    }

    /**
     * @param expression fields separated by single spaces, or a macro
     * @throws IllegalArgumentException when malformed or never matching, naming the field and the value
     */
    static CronExpression parse(String expression) {
        String expanded = expression;
        if (expression.startsWith("@")) {
            expanded = MACROS.get(expression.toLowerCase(Locale.ROOT));
            if (expanded == null) {
                throw new IllegalArgumentException("cron \"" + expression
                        + "\": unknown macro; known: @yearly @annually @monthly @weekly @daily @midnight @hourly");
            }
        }
        String[] fields = expanded.isEmpty() ? new String[0] : expanded.split(" ");
        if (fields.length != 5) {
            throw new IllegalArgumentException("cron \"" + expression + "\": expected 5 fields (minute hour"
                    + " day-of-month month day-of-week) or a macro, found " + fields.length);
        }
        CronField[] kinds = CronField.values();
        long[] bits = new long[5];
        for (int i = 0; i < 5; i++) {
            bits[i] = kinds[i].parse(fields[i], expression);
        }
        // Vixie cron's DOM_STAR/DOW_STAR: a field starting with '*' (also */n) makes the two fields AND, not OR
        boolean domRestricted = !fields[2].startsWith("*");
        boolean dowRestricted = !fields[4].startsWith("*");
        CronExpression cron = new CronExpression(bits[0], bits[1], bits[2], bits[3], bits[4],
                domRestricted && dowRestricted);
        if (domRestricted && !dowRestricted && !someMonthHasADay(bits[3], bits[2])) {
            throw new IllegalArgumentException("cron \"" + expression + "\": never matches: no month of month field \""
                    + fields[3] + "\" has a day of day-of-month field \"" + fields[2] + "\"");
        }
        return cron;
    }

    /** Whether a day of {@code daysOfMonth} exists in a month of {@code months} (February in a leap year). */
    private static boolean someMonthHasADay(long months, long daysOfMonth) {
        for (Month month : Month.values()) {
            long daysOfThatMonth = (1L << (month.maxLength() + 1)) - 2; // bits 1..maxLength
            if ((months & 1L << month.getValue()) != 0 && (daysOfMonth & daysOfThatMonth) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The first matching minute at or after {@code from} (seconds ignored). Steps by day, skipping whole months. */
    LocalDateTime nextOrSame(LocalDateTime from) {
        LocalDate date = from.toLocalDate();
        LocalDate limit = date.plusYears(MAX_YEARS_AHEAD);
        int hour = from.getHour();
        int minute = from.getMinute();
        while (!date.isAfter(limit)) {
            if ((months & 1L << date.getMonthValue()) == 0) {
                date = date.withDayOfMonth(1).plusMonths(1);
            } else {
                if (dayMatches(date)) {
                    LocalTime time = timeAtOrAfter(hour, minute);
                    if (time != null) {
                        return date.atTime(time);
                    }
                }
                date = date.plusDays(1);
            }
            hour = 0;
            minute = 0;
        }
        throw new IllegalStateException("no match of a valid cron expression within " + MAX_YEARS_AHEAD
                + " years of " + from);
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = (daysOfMonth & 1L << date.getDayOfMonth()) != 0;
        boolean dow = (daysOfWeek & 1L << date.getDayOfWeek().getValue() % 7) != 0;
        return eitherDay ? dom || dow : dom && dow; // an unrestricted field has every bit set
    }

    private LocalTime timeAtOrAfter(int fromHour, int fromMinute) {
        for (int h = fromHour; h < 24; h++) {
            if ((hours & 1L << h) != 0) {
                long later = minutes & -1L << (h == fromHour ? fromMinute : 0);
                if (later != 0) {
                    return LocalTime.of(h, Long.numberOfTrailingZeros(later));
                }
            }
        }
        return null;
    }
}
