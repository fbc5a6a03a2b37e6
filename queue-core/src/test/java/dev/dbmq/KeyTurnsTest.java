package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbmq.internal.TaskStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The walk of a limitBy type's keys ({@link KeyTurns#walk}) as a table, on keys held in memory: which keys' tasks a
 * claim takes, in which order, where the next one goes on, and how many reads it made.
 */
class KeyTurnsTest {

    /** Pending due tasks per key, as "A3 B1 C0" (key and count; 0: it has tasks, none due); each read counted. */
    static final class Table implements KeyTurns.Keys {
        final TreeMap<String, Integer> due;
        int reads;

        Table(String spec) {
            this(spec, java.util.Comparator.naturalOrder());
        }

        /** Keys in {@code order}: the database's collation, which Java's String order need not match. */
        Table(String spec, java.util.Comparator<String> order) {
            due = new TreeMap<>(order);
            for (String part : spec.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    due.put(part.substring(0, 1), Integer.parseInt(part.substring(1)));
                }
            }
        }

        @Override
        public String nextAfter(String key, String upTo) {
            reads++;
            String next = key == null ? (due.isEmpty() ? null : due.firstKey()) : due.higherKey(key);
            return next == null || upTo == null || due.comparator().compare(next, upTo) <= 0 ? next : null;
        }

        @Override
        public TaskStore.Row firstDue(String key, Collection<Long> except) {
            reads++;
            int left = due.get(key) - except.size();
            if (left <= 0) {
                return null;
            }
            long id = key.charAt(0) * 1000L + except.size(); // this key's next task
            return new TaskStore.Row(id, "export", "{}", 0, 0, 1, null, null, null, 1, key);
        }
    }

    @ParameterizedTest(name = "{0}, cursor {1}, room {2}, per key {3}, running {4}: {5}")
    @CsvSource(nullValues = "none", delimiter = '|', textBlock = """
            # tasks      | cursor | room | per key | running | taken       | stopped after | passed busy
            A3 B1 C2     | none   | 8    | 1       | none    | A B C       | none          | true
            A3 B1 C2     | none   | 8    | 2       | none    | A B C A C   | none          | true
            A3 B1 C2     | none   | 8    | 9       | none    | A B C A C A | none          | false
            A3 B1 C2     | A      | 2    | 9       | none    | B C         | none          | false
            A3 B1 C2     | B      | 4    | 9       | none    | C A B C     | none          | false
            A3 B1 C2     | C      | 1    | 9       | none    | A           | none          | false
            A1000 B1     | none   | 4    | 1       | A1      | B           | none          | true
            A1000 B1     | B      | 4    | 4       | A4      | B           | none          | true
            A1000 B1     | B      | 1    | 4       | A3      | A           | none          | false
            A0 B0 C1     | none   | 4    | 1       | none    | C           | none          | true
            none         | none   | 4    | 1       | none    | none        | none          | false
            A0 B0 C0 D0  | none   | 4    | 1       | none    | none        | none          | false
            """)
    void a_walk_takes_one_task_of_each_key_with_a_place_a_round_starting_after_the_cursor(
            String tasks, String cursor, int room, int perKey, String running, String taken, String stoppedAfter,
            boolean passedBusy) {
        Table table = new Table(tasks == null ? "" : tasks);
        KeyTurns.Walk walk = KeyTurns.walk(table, cursor, room, perKey, counts(running), 1000);
        assertEquals(taken == null ? "" : taken, keys(walk));
        assertEquals(false, walk.stopped());
        assertEquals(passedBusy, walk.passedBusy());
    }

    /**
     * The reads are bounded: a walk that runs out stops before a key it could not read both for, says where it had
     * got to, and the next walk, from there, takes what is beyond it.
     */
    @ParameterizedTest(name = "{0}, seeks {1}: {2}, then {4}")
    @CsvSource(nullValues = "none", delimiter = '|', textBlock = """
            # tasks              | seeks | taken | stopped after | next taken
            A0 B0 C0 D0 E0 F1    | 6     | none  | C             | F
            A0 B0 C0 D0 E0 F1    | 100   | F     | none          | none
            A1 B1 C1 D1          | 4     | A B   | B             | C D
            """)
    void a_walk_stops_within_its_reads_and_the_next_goes_on_from_there(String tasks, int seeks, String taken,
                                                                     String stoppedAfter, String nextTaken) {
        Table table = new Table(tasks);
        KeyTurns.Walk walk = KeyTurns.walk(table, null, 8, 1, Map.of(), seeks);
        assertEquals(taken == null ? "" : taken, keys(walk));
        assertEquals(stoppedAfter != null, walk.stopped());
        assertEquals(stoppedAfter, walk.stoppedAfter());
        assertEquals(true, table.reads <= seeks, table.reads + " reads");
        if (walk.stopped()) {
            // the next claim: those taken now run (a place each: per key 1), the walk goes on after stoppedAfter
            Map<String, Integer> running = new HashMap<>();
            walk.chosen().forEach(r -> running.put(r.limitKey(), 1));
            KeyTurns.Walk next = KeyTurns.walk(new Table(tasks), walk.stoppedAfter(), 2, 1, running, seeks);
            assertEquals(nextTaken == null ? "" : nextTaken, keys(next));
        }
    }

    /**
     * The walk follows the keys' order as the database gives it: in a collation where "a" < "B" < "c" (linguistic,
     * not Java's, where "B" < "a"), a round after "B" reads c, then a and B, and no key is left out.
     */
    @org.junit.jupiter.api.Test
    void a_round_follows_the_databases_order_of_keys_not_javas() {
        Table table = new Table("a1 B1 c1", String.CASE_INSENSITIVE_ORDER);
        assertEquals("c a B", keys(KeyTurns.walk(table, "B", 8, 1, Map.of(), 1000)));
    }

    private static Map<String, Integer> counts(String spec) {
        Map<String, Integer> counts = new HashMap<>();
        if (spec != null) {
            for (String part : spec.trim().split("\\s+")) {
                counts.put(part.substring(0, 1), Integer.parseInt(part.substring(1)));
            }
        }
        return counts;
    }

    private static String keys(KeyTurns.Walk walk) {
        List<String> keys = new ArrayList<>();
        walk.chosen().forEach(r -> keys.add(r.limitKey()));
        return String.join(" ", keys);
    }
}
