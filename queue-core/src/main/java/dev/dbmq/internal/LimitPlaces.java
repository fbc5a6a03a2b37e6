package dev.dbmq.internal;

import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;

/**
 * A claim's side of concurrency limits kept as places ({@link LimitPlaceStore}), where the database keeps them
 * ({@link Storage#limitPlaces}: PostgreSQL). Both run in the claim's transaction.
 */
public interface LimitPlaces {

    /** Locks free places of a limited type for the claim ({@link LimitPlaceStore#take}). */
    List<Integer> take(DSLContext dsl, String name, int limit, int want, String foremanId,
                       Collection<Integer> endedSlots);

    /**
     * {@link Storage#recordRunning}, and the places the claim took held by those attempts, in one statement
     * ({@link LimitPlaceStore#recordHolding}).
     *
     * @throws LimitPlaceStore.PlaceTaken when a place was taken by another claim after all: the claim must roll back
     */
    void recordHolding(DSLContext dsl, List<RunningStore.Entry> entries, String foremanId, long startedAt,
                       List<LimitPlaceStore.Hold> holds, Collection<Integer> endedSlots);
}
