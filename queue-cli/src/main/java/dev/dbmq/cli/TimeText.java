package dev.dbmq.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times as an operator types them: durations ({@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, {@code 1h30m}, or
 * ISO-8601 {@code PT5M}), and instants (ISO-8601 {@code 2026-03-01T12:00:00Z}, or a duration ago: {@code 7d} is seven
 * days before now, {@code +2h} two hours after it) — and durations as people read them.
 */
final class TimeText {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern PARTS = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

    private TimeText() {
    }

    /**
     * A duration: a number and a unit ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}), several in a row
     * ({@code 1h30m}), or ISO-8601 ({@code PT1H30M}). Never negative.
     *
     * @throws IllegalArgumentException with the accepted forms when {@code text} is none of them
     */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (PARTS.matcher(t).matches()) {
            Duration d = Duration.ZERO;
            Matcher m = PART.matcher(t);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return d;
        }
        if (t.startsWith("p")) {
            try {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // the message below says what is accepted
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: write e.g. 30s, 5m, 2h, 7d, 1h30m"
                + " or PT5M");
    }

    /**
     * An instant: ISO-8601 ({@code 2026-03-01T12:00:00Z}, with an offset or {@code Z}), or a duration before
     * {@code now} ({@code 7d}), or after it with a plus ({@code +2h}).
     *
     * @throws IllegalArgumentException with the accepted forms when {@code text} is none of them
     */
    static Instant instant(String text, Instant now) {
        String t = text.trim();
        if (!t.isEmpty() && Character.isDigit(t.charAt(0)) && t.length() >= 10 && t.charAt(4) == '-') {
            try {
                return java.time.OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 instant: write e.g."
                        + " 2026-03-01T12:00:00Z (with Z or an offset such as +01:00)");
            }
        }
        try {
            return t.startsWith("+") ? now.plus(duration(t.substring(1))) : now.minus(duration(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time: write an ISO-8601 instant"
                    + " (2026-03-01T12:00:00Z), a duration ago (7d, 2h, 30m) or from now (+2h)");
        }
    }

    /** A duration as people read it: ms under a second, then seconds under 100 s, minutes, hours, days. */
    static String words(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 100_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 100 * 60_000) {
            return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
        }
        if (ms < 48 * 3_600_000) {
            return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
        }
        return String.format(Locale.ROOT, "%.1f d", ms / 86_400_000.0);
    }
}
