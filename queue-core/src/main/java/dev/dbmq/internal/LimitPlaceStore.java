package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_LIMIT_PLACE;
import static dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING;

import java.util.Collection;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
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
 * <p>Taking is one or two statements ({@link #take}): the first locks candidates; a candidate free only by a record
 * gone is checked again by a second. Under READ COMMITTED the first statement's check of {@code dbmq_running} reads
 * its own snapshot: a place that another claim took and committed after that snapshot (its running record with it)
 * would still look free when it is locked. The second statement's snapshot is taken after the locks are held, so it
 * sees that record; and while locked, nobody else can take the place. A candidate free by its own columns (never
 * held, or this foreman's ended slot) needs no second look: a row changed by another claim before it was locked is
 * checked against those columns as they are now. Stateless, as {@link TaskStore}.
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
     * Takes up to {@code want} free places of {@code name} among 1 to {@code limit}, in the transaction {@code dsl} is
     * in, locked until it ends; returns them, in place order. Skips places another transaction holds locked. Leaves
     * room for running tasks of the type that hold no place (a foreman of a version before places counts them under
     * the type's lock, and takes none): no more than {@code limit} less the type's running tasks (but this foreman's
     * {@code endedSlots}), counted with the check.
     */
    public static List<Integer> take(DSLContext dsl, String name, int limit, int want, String foremanId,
                                     Collection<Integer> endedSlots) {
        Condition counted = endedSlots.isEmpty() ? DSL.noCondition()
                : DSL.not(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId).and(DBMQ_RUNNING.SLOT.in(endedSlots)));
        Field<Integer> running = DSL.field(DSL.selectCount().from(DBMQ_RUNNING)
                .where(DBMQ_RUNNING.TASK_NAME.eq(name)).and(counted));
        // "sure": free by the locked row's own columns (never held, or one of this foreman's ended slots), which a
        // row locked after another claim changed it is checked against again; else free by a record gone, which the
        // second statement checks
        Field<Boolean> sure = DSL.field(rowFree(foremanId, endedSlots));
        var candidates = dsl.select(DBMQ_LIMIT_PLACE.PLACE, sure, running).from(DBMQ_LIMIT_PLACE)
                .where(DBMQ_LIMIT_PLACE.TASK_NAME.eq(name)).and(DBMQ_LIMIT_PLACE.PLACE.le(limit))
                .and(free(foremanId, endedSlots))
                .orderBy(DBMQ_LIMIT_PLACE.PLACE).limit(want)
                .forUpdate().skipLocked()
                .fetch();
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<Integer> places = new java.util.ArrayList<>();
        List<Integer> toCheck = new java.util.ArrayList<>();
        for (var c : candidates) {
            (Boolean.TRUE.equals(c.value2()) ? places : toCheck).add(c.value1());
        }
        if (!toCheck.isEmpty()) {
            places.addAll(dsl.select(DBMQ_LIMIT_PLACE.PLACE).from(DBMQ_LIMIT_PLACE)
                    .where(DBMQ_LIMIT_PLACE.TASK_NAME.eq(name)).and(DBMQ_LIMIT_PLACE.PLACE.in(toCheck))
                    .and(free(foremanId, endedSlots))
                    .fetch(DBMQ_LIMIT_PLACE.PLACE));
            places.sort(null);
        }
        int left = Math.max(0, limit - candidates.get(0).value3());
        return places.subList(0, Math.min(left, places.size()));
    }

    /** Free by the place's own columns: never held, or held by one of this foreman's ended slots. */
    private static Condition rowFree(String foremanId, Collection<Integer> endedSlots) {
        Condition ownEnded = endedSlots.isEmpty() ? DSL.falseCondition()
                : DBMQ_LIMIT_PLACE.FOREMAN_ID.eq(foremanId).and(DBMQ_LIMIT_PLACE.SLOT.in(endedSlots));
        return DBMQ_LIMIT_PLACE.FOREMAN_ID.isNull().or(ownEnded);
    }

    /** Never held, held by one of this foreman's ended slots, or held by an attempt whose record is gone. */
    private static Condition free(String foremanId, Collection<Integer> endedSlots) {
        return rowFree(foremanId, endedSlots).or(DSL.notExists(DSL.selectOne().from(DBMQ_RUNNING)
                .where(DBMQ_RUNNING.FOREMAN_ID.eq(DBMQ_LIMIT_PLACE.FOREMAN_ID))
                .and(DBMQ_RUNNING.SLOT.eq(DBMQ_LIMIT_PLACE.SLOT))
                .and(DBMQ_RUNNING.ID.eq(DBMQ_LIMIT_PLACE.TASK_ID))));
    }

    /** A taken place, to be held by the attempt a claim records in {@code foremanId}'s {@code slot}. */
    public record Hold(String name, int place, int slot, long taskId) {
    }

    /** Makes the taken places held by the attempts a claim recorded: one batch, a round trip. */
    public static void hold(DSLContext dsl, List<Hold> holds, String foremanId) {
        if (holds.isEmpty()) {
            return;
        }
        dsl.batch(holds.stream().map(h -> dsl.update(DBMQ_LIMIT_PLACE)
                .set(DBMQ_LIMIT_PLACE.FOREMAN_ID, foremanId).set(DBMQ_LIMIT_PLACE.SLOT, h.slot())
                .set(DBMQ_LIMIT_PLACE.TASK_ID, h.taskId())
                .where(DBMQ_LIMIT_PLACE.TASK_NAME.eq(h.name())).and(DBMQ_LIMIT_PLACE.PLACE.eq(h.place())))
                .toList()).execute();
    }
}
