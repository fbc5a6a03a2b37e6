package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_RATE_START;

import org.jooq.DSLContext;

/**
 * The statements on {@code dbmq_rate_start} (V10): a row per start of a rate-limited task type, written by the claim
 * that takes it, kept for one period. Each runs in the claim's transaction, after the type's lock
 * ({@link Storage#lockLimits}). Stateless, like {@link TaskStore}.
 */
public final class RateStore {

    private RateStore() {
    }

    /**
     * Deletes the starts of {@code name} at or before {@code before} (out of the window now) and returns how many
     * are left: the starts within the window. Reads and deletes a range of the (task_name, started_at) index.
     */
    public static int startsSince(DSLContext dsl, String name, long before) {
        dsl.deleteFrom(DBMQ_RATE_START).where(DBMQ_RATE_START.TASK_NAME.eq(name))
                .and(DBMQ_RATE_START.STARTED_AT.le(before)).execute();
        return dsl.fetchCount(DBMQ_RATE_START, DBMQ_RATE_START.TASK_NAME.eq(name));
    }

    /** Records {@code count} starts of {@code name} at {@code at}. */
    public static void record(DSLContext dsl, String name, long at, int count) {
        var insert = dsl.insertInto(DBMQ_RATE_START, DBMQ_RATE_START.TASK_NAME, DBMQ_RATE_START.STARTED_AT);
        for (int i = 0; i < count; i++) {
            insert = insert.values(name, at);
        }
        insert.execute();
    }

    /**
     * The start of {@code name} at {@code offset} in start order (0: the oldest), or null when there are fewer: with
     * {@code starts} of them in the window and a rate of {@code n}, the one at {@code starts - n} leaves the window
     * first among those that keep the type at its rate.
     */
    public static Long startAt(DSLContext dsl, String name, int offset) {
        return dsl.select(DBMQ_RATE_START.STARTED_AT).from(DBMQ_RATE_START)
                .where(DBMQ_RATE_START.TASK_NAME.eq(name))
                .orderBy(DBMQ_RATE_START.STARTED_AT).limit(1).offset(offset)
                .fetchOne(DBMQ_RATE_START.STARTED_AT);
    }
}
