package dev.dbmq.internal;

import java.util.Locale;

/**
 * Refuses text that the databases would not store as given: a NUL (PostgreSQL refuses it with an error quoting the
 * SQL) and a surrogate without its pair (both JDBC drivers write it as {@code ?}, so the keys "k" + U+D800,
 * "k" + U+D801 and "k?" would be one key, and args would reach the handler changed). Such a surrogate comes
 * from a string cut between the two halves of a character (an emoji, say). Keys, metadata and the JSON of args are
 * checked before anything is written; task and schedule names are ASCII already. Text dbmq writes itself from what
 * it was given (a failed task's reason, from an exception's message) is {@linkplain #repaired repaired} instead.
 *
 * <p>Cost: one pass over the chars, nothing allocated unless it refuses.
 */
public final class StoredText {

    private StoredText() {
    }

    /** The index of the first NUL or unpaired surrogate in {@code text}; -1 when there is none. */
    public static int firstBadChar(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++; // a pair: one character
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** What is wrong with {@code text}, e.g. "an unpaired surrogate U+D800 at index 3"; null when nothing is. */
    public static String problem(String text) {
        int i = firstBadChar(text);
        if (i < 0) {
            return null;
        }
        char c = text.charAt(i);
        return (c == 0 ? "a NUL" : String.format(Locale.ROOT, "an unpaired surrogate U+%04X", (int) c))
                + " at index " + i;
    }

    /**
     * Refuses {@code text} with a message naming the field, what is wrong and where, and {@code outcome} (what was not
     * done, e.g. "nothing was written").
     *
     * @throws IllegalArgumentException when {@code text} has a NUL or an unpaired surrogate
     */
    public static void require(String field, String text, String outcome) {
        if (firstBadChar(text) >= 0) {
            throw new IllegalArgumentException(field + " must be text the database stores as given (no NUL, no half"
                    + " of a surrogate pair), it has " + problem(text) + "; " + outcome);
        }
    }

    /**
     * {@code text} with each NUL and unpaired surrogate replaced by U+FFFD, for text that must be written whatever it
     * holds: a failed task's reason quotes an exception's message, and PostgreSQL refused a NUL in it, which lost the
     * task. The same instance when nothing needs repair.
     */
    public static String repaired(String text) {
        if (text == null || firstBadChar(text) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i)); // a pair: one character
            } else {
                out.append(c == 0 || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
