package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_RATE_START;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The statements on {@code dbmq_rate_start} (V10, V13): a row per start of a rate-limited task type, written by the
 * claim that takes it with its slot ({@code RateSlots}), kept for one period. Each runs in the claim's transaction,
 * after the type's lock ({@link Storage#lockLimits}). Stateless, like {@link TaskStore}.
 */
public final class RateStore {

    private RateStore() {
    }

    /**
     * A type's window: its starts within the last period, and the latest slot among them (epoch ns; null when none has
     * one: none in the window, or written by a foreman from before schema version 13).
     */
    public record Window(int starts, Long lastSlot) {
    }

    /**
     * Deletes the starts of {@code name} at or before {@code before} (out of the window now) and reads what is left:
     * the starts within the window. Reads and deletes a range of the (task_name, started_at) index.
     */
    public static Window window(DSLContext dsl, String name, long before) {
        dsl.deleteFrom(DBMQ_RATE_START).where(DBMQ_RATE_START.TASK_NAME.eq(name))
                .and(DBMQ_RATE_START.STARTED_AT.le(before)).execute();
        var row = dsl.select(DSL.count(), DSL.max(DBMQ_RATE_START.SLOT_AT)).from(DBMQ_RATE_START)
                .where(DBMQ_RATE_START.TASK_NAME.eq(name)).fetchOne();
        return new Window(row.value1(), row.value2());
    }

    /**
     * Records {@code count} starts of {@code name} at {@code at} (epoch ms), on the slots {@code spacing} ns apart from
     * {@code firstSlot} (epoch ns).
     */
    public static void record(DSLContext dsl, String name, long at, long firstSlot, long spacing, int count) {
        var insert = dsl.insertInto(DBMQ_RATE_START, DBMQ_RATE_START.TASK_NAME, DBMQ_RATE_START.STARTED_AT,
                DBMQ_RATE_START.SLOT_AT);
        for (int i = 0; i < count; i++) {
            insert = insert.values(name, at, firstSlot + i * spacing);
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
