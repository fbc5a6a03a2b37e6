package dev.dbmq;

import dev.dbmq.internal.LimitKeyStore;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits per key ({@link Task#limitBy}) and fair share between keys: a claim of such a type walks its keys in order,
 * from the key after the last one it served, round after round, taking one due task of each key that has a place left
 * per round ({@link #walk}). A busy key costs a claim one index seek, however many tasks it has pending, so one key's
 * backlog never holds back another key's first task; and each key gets its turn.
 *
 * <p>Decided: fair share comes before priority between the keys of one type (priority orders a key's own tasks, and
 * the type's tasks among other types' in the lane), since a priority across keys would let one key's urgent flood
 * hold back the others, which is what limitBy is for.
 *
 * <p>Called by whichever thread holds its claimer's claim, one at a time; the cursors are that thread's.
 */
final class KeyTurns {

    private static final Logger log = LoggerFactory.getLogger(KeyTurns.class);

    /** How often a claim looks for tasks of a keyed type written without a key, to give them theirs. */
    static final long KEYLESS_LOOK_MILLIS = 10_000;
    /** Tasks without a key given theirs per look. */
    static final int KEYLESS_PER_LOOK = 500;

    /** The keys of one type's pending tasks, as a claim reads them: the database's, or a test's table. */
    interface Keys {
        /**
         * The least key with a pending task after {@code key} (null: the least of all) and not after {@code upTo} (null:
         * no bound), in the database's order of keys; null when none.
         */
        String nextAfter(String key, String upTo);

        /** The first due task of {@code key} other than {@code except}; null when none. */
        TaskStore.Row firstDue(String key, Collection<Long> except);
    }

    /**
     * What a walk found: the tasks to claim, in the order it met them; whether its reads ran out before it had seen
     * every key ({@code stopped}), and if so the key it had reached, the next walk going on after it (null: from the
     * first key); whether it passed a key whose places were all taken.
     */
    record Walk(List<TaskStore.Row> chosen, boolean stopped, String stoppedAfter, boolean passedBusy) {
    }

    /**
     * The walk: a round reads the keys after {@code cursor} in order, then from the first key up to {@code cursor};
     * another round follows while the last one took something and {@code room} is left. In a round, a key takes one
     * due task while its running tasks ({@code running}) and those taken so far are fewer than {@code perKey}.
     *
     * @param seeks the most reads the walk may make (each {@link Keys} call is one): a bound on the claim's time
     */
    static Walk walk(Keys keys, String cursor, int room, int perKey, Map<String, Integer> running, int seeks) {
        List<TaskStore.Row> chosen = new ArrayList<>();
        Map<String, List<Long>> taken = new HashMap<>();
        boolean passedBusy = false;
        int reads = 0;
        String at = cursor;
        boolean tookThisRound = true;
        while (tookThisRound && chosen.size() < room) {
            tookThisRound = false;
            at = cursor;
            boolean wrapped = cursor == null; // from the first key: no second part
            while (chosen.size() < room) {
                if (reads + 2 > seeks) { // room for this key's two reads, or stop before it
                    return new Walk(chosen, true, at, passedBusy);
                }
                // the round's second part goes up to the cursor, as the database orders keys (its collation, which
                // Java's String order need not match)
                String key = keys.nextAfter(at, wrapped ? cursor : null);
                reads++;
                if (key == null) {
                    if (wrapped) {
                        break; // the end of the keys, or past the cursor, in the round's second part: it is over
                    }
                    wrapped = true;
                    at = null;
                    continue;
                }
                at = key;
                List<Long> ofKey = taken.getOrDefault(key, List.of());
                if (running.getOrDefault(key, 0) + ofKey.size() >= perKey) {
                    passedBusy = true;
                    continue;
                }
                TaskStore.Row first = keys.firstDue(key, ofKey);
                reads++;
                if (first != null) {
                    chosen.add(first);
                    taken.computeIfAbsent(key, k -> new ArrayList<>()).add(first.id());
                    tookThisRound = true;
                }
            }
        }
        return new Walk(chosen, false, null, passedBusy);
    }

    private final Map<String, Handlers.Registration<?>> keyed;
    private final ArgsCodec codec;
    /** Per keyed name, the key of the last task it kept: the next walk starts after it. Claim holder's. */
    private final Map<String, String> cursors = new HashMap<>();
    private final Map<String, Long> lastKeylessLook = new HashMap<>();

    KeyTurns(Map<String, Handlers.Registration<?>> keyed, ArgsCodec codec) {
        this.keyed = Map.copyOf(keyed);
        this.codec = codec;
    }

    boolean isEmpty() {
        return keyed.isEmpty();
    }

    Set<String> names() {
        return keyed.keySet();
    }

    /**
     * In the claim's transaction: up to {@code room} due tasks of the keyed type {@code name}, found (on PostgreSQL,
     * locked) but not deleted; the caller deletes those it keeps ({@link LimitKeyStore#take}) and reports them to
     * {@link #kept}.
     */
    Walk candidates(DSLContext dsl, Storage storage, String name, int room, long nowMillis, String foremanId,
                    Set<Integer> endedSlots) {
        Map<String, Integer> running = LimitKeyStore.runningByKey(dsl, name, foremanId, endedSlots);
        Storage.ClaimForm form = storage.claimForm();
        Keys keys = new Keys() {
            @Override
            public String nextAfter(String key, String upTo) {
                return LimitKeyStore.nextKey(dsl, name, key, upTo);
            }

            @Override
            public TaskStore.Row firstDue(String key, Collection<Long> except) {
                return LimitKeyStore.firstDue(form, dsl, name, key, nowMillis, except);
            }
        };
        int perKey = keyed.get(name).task().limitPerKey();
        return walk(keys, cursors.get(name), room, perKey, running, 2 * room + SEEKS_PER_CLAIM);
    }

    /** Reads a walk may make beyond two per task it may take: keys passed as busy or with nothing due. */
    static final int SEEKS_PER_CLAIM = 64;

    /**
     * After the claim: the next walk of {@code name} starts after the key this one stopped at, when it stopped and
     * all it found was kept; else after the key of the last task kept, in the walk's order (so the key served last
     * waits for the others' turns); with none kept, where this one started.
     */
    void kept(String name, Walk walk, Set<Long> keptIds) {
        String last = null;
        boolean all = true;
        for (TaskStore.Row row : walk.chosen()) {
            if (keptIds.contains(row.id())) {
                last = row.limitKey();
            } else {
                all = false;
            }
        }
        if (all && walk.stopped()) {
            cursors.put(name, walk.stoppedAfter());
        } else if (last != null) {
            cursors.put(name, last);
        }
    }

    /**
     * Before a claim, every {@value #KEYLESS_LOOK_MILLIS} ms (the first claim included): gives tasks of the keyed
     * types written without a key (by a producer whose {@code Task} has no limitBy) their key, computed here from their
     * args, so the walk meets them; each type in a transaction of its own, outside the claim's, as the look reads the
     * type's rows (the claim index has no key) and the claim's lock need not wait for it. Args that can't be decoded,
     * or a key function that fails, give the key "" (the claim then keeps undecodable args as failed, as any claim
     * does). Never throws: a failed look is logged and tried again at the next.
     */
    void giveKeysIfDue(dev.dbmq.internal.Database database, long nowMillis) {
        for (String name : keyed.keySet()) {
            Long last = lastKeylessLook.get(name);
            if (last != null && nowMillis - last < KEYLESS_LOOK_MILLIS && nowMillis >= last) {
                continue;
            }
            lastKeylessLook.put(name, nowMillis);
            try {
                database.transaction(dsl -> {
                    giveKeys(dsl, name);
                    return null;
                });
            } catch (Throwable t) {
                log.warn("Cannot look for tasks of {} without a limitBy key ({}); will look again",
                        Claimer.printable(name), t.toString());
            }
        }
    }

    private void giveKeys(DSLContext dsl, String name) {
        List<Record2<Long, String>> rows = LimitKeyStore.keyless(dsl, name, KEYLESS_PER_LOOK);
        int failed = 0;
        for (Record2<Long, String> row : rows) {
            String key = keyOf(keyed.get(name), row.value2());
            if (key == null) {
                failed++;
                key = "";
            }
            LimitKeyStore.setKey(dsl, row.value1(), key);
        }
        if (!rows.isEmpty()) {
            log.warn("{} pending tasks of {} had no limitBy key (written through a Task without limitBy); given"
                    + " theirs{}", rows.size(), Claimer.printable(name),
                    failed == 0 ? "" : ", " + failed + " of them the key \"\" (args or key function failed)");
        }
    }

    private <A> String keyOf(Handlers.Registration<A> registration, String json) {
        try {
            return registration.task().limitKeyOf(codec.decode(json, registration.task().argsType()));
        } catch (Throwable t) {
            return null;
        }
    }
}
