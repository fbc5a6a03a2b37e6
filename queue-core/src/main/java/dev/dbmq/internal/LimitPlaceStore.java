package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_LIMIT_PLACE;
import static dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING;

import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;

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
     * {@link #recordHolding} checks them again.
     *
     * <p>The places are the limit: every foreman that knows the type's limit (up to {@code ClaimLimits.MOST_PLACES})
     * runs its tasks holding places, whatever else limits the type, so the running tasks need no count here. (A
     * count of them, kept for tasks holding none, was a scan of {@code dbmq_running} in every claim, and the largest
     * part of what a limit cost: docs/performance.md.)
     *
     * @param sql the queue's statements ({@link #sql}), written once
     */
    public static List<Integer> take(DSLContext dsl, Sql sql, String name, int limit, int want, String foremanId,
                                     Collection<Integer> endedSlots) {
        return Jdbc.query(dsl, sql.take(), rs -> rs.getInt(1), name, limit, foremanId,
                endedSlots.toArray(Integer[]::new), want);
    }

    /**
     * The SQL of {@link #take} and of {@link #recordHolding}'s update, for one queue's tables: written once per queue
     * and after that only bound ({@link Jdbc}). A foreman's ended slots are an array ({@code = any(?)}), so that one
     * statement serves every claim.
     */
    public record Sql(String take, String hold) {
        /** {@link #recordHolding}'s statement: the records' insert ({@link RunningStore#recordSql}), then the hold. */
        public String holding(String recordSql) {
            // The attempts' records in a data-modifying WITH: run once, with the update, in the same snapshot (so the
            // update's check does not see them: it checks the places' holders before this claim)
            return "with recorded as (" + recordSql + ") " + hold;
        }
    }

    /** {@link Sql} for the tables {@code dsl} maps to. */
    public static Sql sql(DSLContext dsl) {
        String places = dsl.render(DBMQ_LIMIT_PLACE);
        String running = dsl.render(DBMQ_RUNNING);
        // Free: never held, held by one of this foreman's ended slots, or held by an attempt whose record is gone
        String free = "(p.foreman_id is null or (p.foreman_id = ? and p.slot = any(?::int[]))"
                + " or not exists (select 1 from " + running + " r where r.foreman_id = p.foreman_id"
                + " and r.slot = p.slot and r.id = p.task_id))";
        String take = "select p.place from " + places + " p where p.task_name = ? and p.place <= ? and " + free
                + " order by p.place limit ? for update of p skip locked";
        String hold = "update " + places + " p set foreman_id = ?, slot = h.slot, task_id = h.task_id"
                + " from unnest(?::text[], ?::int[], ?::int[], ?::bigint[]) as h(task_name, place, slot, task_id)"
                + " where p.task_name = h.task_name and p.place = h.place and " + free + " returning p.place";
        return new Sql(take, hold);
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
     * Records the claimed attempts and makes the taken places held by them, in one statement (a round trip): each place
     * again checked free (see the class's comment), as of the statement's own snapshot, by the place's holder before
     * this claim. {@code endedSlots} are this foreman's, as in {@link #take}.
     *
     * @param holdingSql   {@link Sql#holding} of the records' insert, which binds {@code recordValues} first
     * @throws PlaceTaken when a place was not free after all: the claim must roll back
     */
    public static void recordHolding(DSLContext dsl, String holdingSql, Object[] recordValues, List<Hold> holds,
                                     String foremanId, Collection<Integer> endedSlots) {
        Object[] binds = java.util.Arrays.copyOf(recordValues, recordValues.length + 7);
        int i = recordValues.length;
        binds[i++] = foremanId;
        binds[i++] = holds.stream().map(Hold::name).toArray(String[]::new);
        binds[i++] = holds.stream().map(Hold::place).toArray(Integer[]::new);
        binds[i++] = holds.stream().map(Hold::slot).toArray(Integer[]::new);
        binds[i++] = holds.stream().map(Hold::taskId).toArray(Long[]::new);
        binds[i++] = foremanId;
        binds[i] = endedSlots.toArray(Integer[]::new);
        int count = Jdbc.query(dsl, holdingSql, rs -> rs.getInt(1), binds).size();
        if (count != holds.size()) {
            throw new PlaceTaken(count, holds.size());
        }
    }
}
