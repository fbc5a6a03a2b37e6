package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;

/**
 * The statements of limits per key ({@code Task.limitBy}) on {@code dbmq_task.limit_key} and {@code dbmq_running}
 * (V11). Each read of pending tasks is a seek of the partial index {@code (task_name, limit_key, priority, due_at, id)
 * WHERE limit_key IS NOT NULL}: its conditions on {@code limit_key} ({@code =}, {@code >}, {@code IS NOT NULL}) are
 * what lets SQLite and PostgreSQL use it. Stateless, as {@link TaskStore}.
 */
public final class LimitKeyStore {

    private LimitKeyStore() {
    }

    /**
     * The least key of a pending task named {@code name} after {@code after} (null: the least of all) and not after
     * {@code upTo} (null: no bound), in the column's order, or null.
     */
    public static String nextKey(DSLContext dsl, String name, String after, String upTo) {
        Condition keyed = after == null ? DBMQ_TASK.LIMIT_KEY.isNotNull() : DBMQ_TASK.LIMIT_KEY.gt(after);
        Condition bound = upTo == null ? DSL.noCondition() : DBMQ_TASK.LIMIT_KEY.le(upTo);
        return dsl.select(DSL.min(DBMQ_TASK.LIMIT_KEY)).from(DBMQ_TASK)
                .where(DBMQ_TASK.TASK_NAME.eq(name)).and(keyed).and(bound).fetchOne().value1();
    }

    /**
     * The first due task (claim order within the key: priority, due time, id) of {@code key}, other than
     * {@code except}, made claimable by the database's {@link Storage.ClaimForm} (on PostgreSQL locked, skipping rows
     * another transaction holds); null when none is due. Not deleted: the claim deletes the ones it keeps.
     */
    public static TaskStore.Row firstDue(Storage.ClaimForm form, DSLContext dsl, String name, String key,
                                         long nowMillis, Collection<Long> except) {
        Condition others = except.isEmpty() ? DSL.noCondition() : DBMQ_TASK.ID.notIn(except);
        org.jooq.Record first = dsl.fetchOne(form.claimable(dsl.select(TaskStore.ROW_FIELDS).from(DBMQ_TASK)
                .where(DBMQ_TASK.TASK_NAME.eq(name)).and(DBMQ_TASK.LIMIT_KEY.eq(key))
                .and(DBMQ_TASK.DUE_AT.le(nowMillis)).and(others)
                .orderBy(DBMQ_TASK.PRIORITY, DBMQ_TASK.DUE_AT, DBMQ_TASK.ID).limit(1)));
        return first == null ? null : TaskStore.row(first);
    }

    /** Deletes the tasks with these ids (a claim's, found by {@link #firstDue}); returns the rows deleted. */
    public static List<TaskStore.Row> take(DSLContext dsl, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return dsl.deleteFrom(DBMQ_TASK).where(DBMQ_TASK.ID.in(ids)).returning(TaskStore.ROW_FIELDS)
                .fetch(TaskStore::row);
    }

    /**
     * Running tasks named {@code name} per key, as {@link RunningStore#countOf} counts them: every foreman's records
     * but those of {@code foremanId}'s {@code endedSlots}.
     */
    public static Map<String, Integer> runningByKey(DSLContext dsl, String name, String foremanId,
                                                    Collection<Integer> endedSlots) {
        Map<String, Integer> counts = new HashMap<>();
        Condition running = endedSlots.isEmpty() ? DSL.noCondition()
                : DSL.not(DBMQ_RUNNING.FOREMAN_ID.eq(foremanId).and(DBMQ_RUNNING.SLOT.in(endedSlots)));
        dsl.select(DBMQ_RUNNING.LIMIT_KEY, DSL.count()).from(DBMQ_RUNNING).where(DBMQ_RUNNING.TASK_NAME.eq(name))
                .and(DBMQ_RUNNING.LIMIT_KEY.isNotNull()).and(running).groupBy(DBMQ_RUNNING.LIMIT_KEY)
                .forEach(r -> counts.put(r.value1(), r.value2()));
        return counts;
    }

    /**
     * Up to {@code limit} pending tasks named {@code name} without a key (written through a {@code Task} without
     * {@code limitBy}), as (id, args). Not an index seek: the claim index has no key, so this reads the name's rows
     * until it has found enough; run seldom.
     */
    public static List<Record2<Long, String>> keyless(DSLContext dsl, String name, int limit) {
        return dsl.select(DBMQ_TASK.ID, DBMQ_TASK.ARGS).from(DBMQ_TASK).where(DBMQ_TASK.TASK_NAME.eq(name))
                .and(DBMQ_TASK.LIMIT_KEY.isNull()).limit(limit).fetch();
    }

    /** Gives a pending task without a key its key; false when it has gone or has one by now. */
    public static boolean setKey(DSLContext dsl, long id, String key) {
        return dsl.update(DBMQ_TASK).set(DBMQ_TASK.LIMIT_KEY, key).where(DBMQ_TASK.ID.eq(id))
                .and(DBMQ_TASK.LIMIT_KEY.isNull()).execute() > 0;
    }
}
