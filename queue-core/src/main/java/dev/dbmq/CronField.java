package dev.dbmq;

import java.util.List;
import java.util.Locale;

/**
 * One of the five fields of a cron expression, declared in their order: its range, its names, and the parsing of its
 * text into a bit set.
 */
enum CronField {
    MINUTE("minute", 0, 59, List.of()),
    HOUR("hour", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
    MONTH("month", 1, 12,
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    DAY_OF_WEEK("day-of-week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

    private final String label;
    private final int min;
    private final int max;
    private final List<String> names; // names.get(i) is the value min + i

    CronField(String label, int min, int max, List<String> names) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.names = names;
    }

    /**
     * The values {@code text} selects, as bits (bit v set: value v); for day-of-week, 7 is folded into 0.
     *
     * @param expression the whole expression, for the error message
     */
    long parse(String text, String expression) {
        long bits = 0;
        for (String item : text.split(",", -1)) {
            if (item.isEmpty()) {
                throw fail(expression, "empty item in \"" + text + "\"");
            }
            bits |= parseItem(item, expression);
        }
        if (this == DAY_OF_WEEK && (bits & 1L << 7) != 0) {
            bits = bits & ~(1L << 7) | 1L; // 7 is Sunday too
        }
        return bits;
    }

    private long parseItem(String item, String expression) {
        int slash = item.indexOf('/');
        String range = slash < 0 ? item : item.substring(0, slash);
        int step = 1;
        if (slash >= 0) {
            String stepText = item.substring(slash + 1);
            if (!isNumber(stepText)) {
                throw fail(expression, "step \"" + stepText + "\" in \"" + item + "\" is not a number");
            }
            step = stepText.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(stepText);
            if (step < 1 || step > max) {
                throw fail(expression, "step " + stepText + " in \"" + item + "\" is out of range 1-" + max);
            }
        }
        int from;
        int to;
        if (range.equals("*")) {
            from = min;
            to = max;
        } else {
            int dash = range.indexOf('-');
            if (dash < 0) {
                from = value(range, item, expression);
                to = slash < 0 ? from : max; // a/n means a-max/n
            } else {
                from = value(range.substring(0, dash), item, expression);
                to = value(range.substring(dash + 1), item, expression);
                if (from > to) {
                    throw fail(expression, "range " + range + " is reversed (" + from + " > " + to + ")");
                }
            }
        }
        long bits = 0;
        for (int v = from; v <= to; v += step) {
            bits |= 1L << v;
        }
        return bits;
    }

    private int value(String token, String item, String expression) {
        if (token.isEmpty()) {
            throw fail(expression, "\"" + item + "\" is missing a value");
        }
        if (isNumber(token)) {
            int v = token.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(token);
            if (v < min || v > max) {
                throw fail(expression, token + " is out of range " + min + "-" + max);
            }
            return v;
        }
        if (names.isEmpty()) {
            throw fail(expression, "\"" + token + "\" is not a number");
        }
        int index = names.indexOf(token.toUpperCase(Locale.ROOT));
        if (index < 0) {
            throw fail(expression, "unknown name \"" + token + "\" (expected " + names.get(0) + "-"
                    + names.get(names.size() - 1) + " or a number " + min + "-" + max + ")");
        }
        return min + index;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private IllegalArgumentException fail(String expression, String problem) {
        return new IllegalArgumentException("cron \"" + expression + "\": " + label + " field: " + problem);
    }
}
