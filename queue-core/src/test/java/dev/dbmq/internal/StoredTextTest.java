package dev.dbmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dbmq.Enqueue;
import org.junit.jupiter.api.Test;

/** What {@link StoredText} refuses: text the databases would not store as given. */
class StoredTextTest {

    static final String EMOJI = "\uD83D\uDE00"; // one character, two chars

    @Test
    void finds_nul_and_every_kind_of_unpaired_surrogate_and_passes_everything_else() {
        Object[][] table = {
                // text, what is wrong (null: nothing)
                {"", null},
                {"digest:42", null},
                {"caf\u00e9 \u4e2d", null},
                {EMOJI, null},
                {"a" + EMOJI + "b" + EMOJI, null},
                {"\uD800", "an unpaired surrogate U+D800 at index 0"},           // lone high
                {"ab\uDC00", "an unpaired surrogate U+DC00 at index 2"},         // lone low
                {"\uDE00\uD83D", "an unpaired surrogate U+DE00 at index 0"},     // reversed pair
                {"\uD83D\uD83D\uDE00", "an unpaired surrogate U+D83D at index 0"}, // high, then a whole pair
                {EMOJI + "\uDE00", "an unpaired surrogate U+DE00 at index 2"},   // a pair, then a stray low
                {"k\u0000", "a NUL at index 1"},
                {("k".repeat(Enqueue.MAX_KEY_LENGTH - 1) + EMOJI).substring(0, Enqueue.MAX_KEY_LENGTH), // cut
                        "an unpaired surrogate U+D83D at index 199"},
        };
        for (Object[] row : table) {
            String text = (String) row[0];
            assertEquals(row[1], StoredText.problem(text), () -> "problem of " + escaped(text));
            assertEquals(row[1] == null, StoredText.firstBadChar(text) < 0, () -> "firstBadChar of " + escaped(text));
        }
    }

    @Test
    void the_refusal_names_the_field_what_is_wrong_and_what_was_not_done() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoredText.require("key", "k\uD801", "nothing was written"));
        assertEquals("key must be text the database stores as given (no NUL, no half of a surrogate pair), it has an"
                + " unpaired surrogate U+D801 at index 1; nothing was written", e.getMessage());
        StoredText.require("key", "k" + EMOJI, "nothing was written");
    }

    @Test
    void repairs_what_it_would_refuse_and_leaves_the_rest_as_it_is() {
        String[][] table = {
                // text, repaired
                {"digest:42", "digest:42"},
                {"a" + EMOJI + "b", "a" + EMOJI + "b"},
                {"bad\u0000byte", "bad\uFFFDbyte"},
                {"half \uD800 pair", "half \uFFFD pair"},
                {"\uDE00\uD83D", "\uFFFD\uFFFD"},
                {"\uD83D" + EMOJI + "\u0000", "\uFFFD" + EMOJI + "\uFFFD"},
        };
        for (String[] row : table) {
            assertEquals(row[1], StoredText.repaired(row[0]), () -> "repaired " + escaped(row[0]));
        }
        String fine = "nothing to repair";
        assertSame(fine, StoredText.repaired(fine));
        assertNull(StoredText.repaired(null));
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return b.toString();
    }
}
