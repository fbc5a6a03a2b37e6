package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_LIMIT_PLACE;
import static dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING;

import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The places of concurrency limits on PostgreSQL ({@code dbmq_limit_place}, V12): a claim of a limited type takes
 * free places with {@code FOR UPDATE SKIP LOCKED}, as it takes tasks, so the claims of several foremen run side by side
 * where a count under a lock per type would make them take turns, each holding the lock through its commit.
 *
 * <p>A place is free when nothing running holds it: its holder (foreman, slot, task id) has no record in
 * {@code dbmq_running} any more (the attempt ended and its record was cleared, or written over by a later claim of that
 * slot, or its dead foreman's tasks were kept as interrupted), or it is one of the claiming foreman's own ended slots.
 * So a place frees exactly when the record that holds it goes, by the running records' own rules, with no write of its
 * own, and never by a timeout.
 *
 * <p>A place is taken in two steps of the claim's transaction: {@link #take} locks free candidates before the claim
 * (how many tasks of the type it may claim), and {@link #recordHolding} makes them held by the attempts it records, in
 * the statement that records them, checking again that each is free. The second check is the one that counts. Under
 * READ COMMITTED, {@link #take}'s check of {@code dbmq_running} reads its statement's snapshot: a place that another
 * claim took and committed after that snapshot (its running record with it) still looks free when it is locked (the
 * locked row is checked again as it is now, but a subquery on another table still reads the old snapshot). The
 * holding statement starts after the locks are held, so its snapshot sees that record, and while locked nobody else
 * can take the place. A place found taken there rolls the claim back ({@link PlaceTaken}): rare, as it needs another
 * claim to commit within one statement's time, and cheaper than a second look at every claim.
 */
public final class LimitPlaceStore {

    private LimitPlaceStore() {
    }

    /** Writes the places 1 to {@code limit} of {@code name} that are not there yet. */
    public static void ensure(DSLContext dsl, String name, int limit) {
        var insert = dsl.insertInto(DBMQ_LIMIT_PLACE, DBMQ_LIMIT_PLACE.TASK_NAME, DBMQ_LIMIT_PLACE.PLACE);
        for (int place = 1; place <= limit; place++) {
            insert = insert.values(name, place);
        }
        insert.onConflictDoNothing().execute();
    }

    /**
     * Locks up to {@code want} places of {@code name} among 1 to {@code limit} that look free, in the transaction
     * {@code dsl} is in, until it ends; returns them, in place order. Skips places another transaction holds locked.
     * Leaves room for running tasks of the type that hold no place (a foreman of a version before places counts them
     * under the type's lock, and takes none): no more than {@code limit} less the type's running tasks (but this
     * foreman's {@code endedSlots}), counted with the check. {@link #recordHolding} checks them again.
     */
    public static List<Integer> take(DSLContext dsl, String name, int limit, int want, String foremanId,
                                     Collection<Integer> endedSlots) {
        Integer[] ended = endedSlots.toArray(Integer[]::new);
        var candidates = dsl.resultQuery(statements(dsl).take(), name, foremanId, ended, name, limit, foremanId, ended,
                want).fetch();
        if (candidates.isEmpty()) {
            return List.of();
        }
        int left = Math.max(0, limit - ((Number) candidates.get(0).get(1)).intValue());
        List<Integer> places = new java.util.ArrayList<>(candidates.size());
        candidates.forEach(c -> places.add(((Number) c.get(0)).intValue()));
        return places.subList(0, Math.min(left, places.size()));
    }

    /**
     * The SQL of {@link #take} and of {@link #recordHolding}'s update, written once per schema and after that only
     * bound: built with jOOQ's query objects they took a claim's CPU for each claim, which on a busy machine left
     * the claim's transaction waiting on the client between statements. A foreman's ended slots are an array
     * ({@code = any(?)}), so that one statement serves every claim.
     */
    private record Statements(String take, String hold) {
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Statements> STATEMENTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Statements statements(DSLContext dsl) {
        return STATEMENTS.computeIfAbsent(dsl.render(DBMQ_LIMIT_PLACE), places -> {
            String running = dsl.render(DBMQ_RUNNING);
            // Free: never held, held by one of this foreman's ended slots, or held by an attempt whose record is gone
            String free = "(p.foreman_id is null or (p.foreman_id = ? and p.slot = any(?::int[]))"
                    + " or not exists (select 1 from " + running + " r where r.foreman_id = p.foreman_id"
                    + " and r.slot = p.slot and r.id = p.task_id))";
            String take = "select p.place, (select count(*) from " + running + " r where r.task_name = ?"
                    + " and not (r.foreman_id = ? and r.slot = any(?::int[]))) from " + places + " p"
                    + " where p.task_name = ? and p.place <= ? and " + free
                    + " order by p.place limit ? for update of p skip locked";
            String hold = "update " + places + " p set foreman_id = ?, slot = h.slot, task_id = h.task_id"
                    + " from unnest(?::text[], ?::int[], ?::int[], ?::bigint[]) as h(task_name, place, slot, task_id)"
                    + " where p.task_name = h.task_name and p.place = h.place and " + free + " returning p.place";
            return new Statements(take, hold);
        });
    }

    /** A taken place, to be held by the attempt a claim records in {@code foremanId}'s {@code slot}. */
    public record Hold(String name, int place, int slot, long taskId) {
    }

    /**
     * A place {@link #take} locked was taken by another claim that committed while {@link #take} ran: the claim must roll
     * back (its tasks stay queued) and claim again.
     */
    public static final class PlaceTaken extends RuntimeException {
        PlaceTaken(int held, int wanted) {
            super("a claim found " + (wanted - held) + " of the " + wanted + " places it locked taken; rolled back",
                    null, false, false);
        }
    }

    /**
     * Records the claimed attempts ({@code record}, {@link RunningStore#recordAllQuery}) and makes the taken places held
     * by them, in one statement (a round trip): each place again checked free (see the class's comment), as of the
     * statement's own snapshot, by the place's holder before this claim. {@code endedSlots} are this foreman's, as in
     * {@link #take}.
     *
     * @throws PlaceTaken when a place was not free after all: the claim must roll back
     */
    public static void recordHolding(DSLContext dsl, org.jooq.Query record, List<Hold> holds, String foremanId,
                                     Collection<Integer> endedSlots) {
        if (holds.isEmpty()) {
            record.execute();
            return;
        }
        Integer[] ended = endedSlots.toArray(Integer[]::new);
        org.jooq.SQL update = DSL.sql(statements(dsl).hold(), foremanId,
                holds.stream().map(Hold::name).toArray(String[]::new),
                holds.stream().map(Hold::place).toArray(Integer[]::new),
                holds.stream().map(Hold::slot).toArray(Integer[]::new),
                holds.stream().map(Hold::taskId).toArray(Long[]::new), foremanId, ended);
        // The attempts' records in a data-modifying WITH: run once, with the update, in the same snapshot (so the
        // update's check does not see them: it checks the places' holders before this claim)
        int count = dsl.resultQuery("with recorded as ({0}) {1}", record, update).fetch().size();
        if (count != holds.size()) {
            throw new PlaceTaken(count, holds.size());
        }
    }
}
