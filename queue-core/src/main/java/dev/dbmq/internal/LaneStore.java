package dev.dbmq.internal;

import static dev.dbmq.internal.jooq.Tables.DBMQ_PAUSED_LANE;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * Paused lanes ({@code dbmq_paused_lane}, schema V8): a row per paused lane, written by {@code TaskQueue.pause}, deleted
 * by {@code resume}, read by every claim of a lane in the claim's own transaction.
 */
public final class LaneStore {

    private LaneStore() {
    }

    /** Whether {@code lane} is paused, in the transaction {@code dsl} is in. */
    public static boolean paused(DSLContext dsl, String lane) {
        return dsl.fetchExists(DBMQ_PAUSED_LANE, DBMQ_PAUSED_LANE.LANE.eq(lane));
    }

    /** Pauses {@code lane} as of {@code nowMillis}; false when it was paused already (its time is kept). */
    public static boolean pause(DSLContext dsl, String lane, long nowMillis) {
        return dsl.insertInto(DBMQ_PAUSED_LANE, DBMQ_PAUSED_LANE.LANE, DBMQ_PAUSED_LANE.PAUSED_AT)
                .values(lane, nowMillis)
                .onConflictDoNothing()
                .execute() == 1;
    }

    /** Resumes {@code lane}; false when it was not paused. */
    public static boolean resume(DSLContext dsl, String lane) {
        return dsl.deleteFrom(DBMQ_PAUSED_LANE).where(DBMQ_PAUSED_LANE.LANE.eq(lane)).execute() == 1;
    }

    /** Every paused lane and since when, by name. */
    public static Map<String, Instant> all(DSLContext dsl) {
        Map<String, Instant> paused = new LinkedHashMap<>();
        dsl.selectFrom(DBMQ_PAUSED_LANE).orderBy(DBMQ_PAUSED_LANE.LANE)
                .forEach(r -> paused.put(r.getLane(), Instant.ofEpochMilli(r.getPausedAt())));
        return paused;
    }
}
