package dev.dbmq;

import dev.dbmq.internal.LimitPlaceStore;
import dev.dbmq.internal.LimitPlaces;
import dev.dbmq.internal.RateStore;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.DSLContext;

/**
 * The concurrency limits ({@link Task#limit}) and rate limits ({@link Task#rate}) of the task types a claimer claims,
 * applied inside each of its claims' transactions: {@link #before} the claim, how many of each limited type it may
 * take; {@link #after} it, the starts to record and when a type held back by its rate may start again. Immutable;
 * called by whichever thread holds the claim.
 */
final class ClaimLimits {

    /**
     * What a claim may take: the names to claim (but those with a limit per key), the most of each limited one, the
     * limited names it may not, and the names with a limit per key it may claim, each with the most it may take
     * ({@link Integer#MAX_VALUE}: no other limit). For each type with a rate: its starts in the window and the first
     * slot this claim may use ({@link RateSlots}).
     */
    record Caps(List<String> names, Map<String, Integer> caps, Set<String> held, Map<String, Integer> recentStarts,
                Map<String, Long> firstSlots, Map<String, Long> rateSlots, Map<String, Integer> keyed,
                Map<String, List<Integer>> places, long nowMillis) {
    }

    /**
     * What a claim held back: the names it took no more of, and for those held by their rate, when the window lets the
     * next one start (epoch ms).
     */
    record Held(Set<String> names, Map<String, Long> rateSlots) {
        static final Held NONE = new Held(Set.of(), Map.of());

        /** Whether a name is held by a concurrency limit only (its places taken), which no due time ends. */
        boolean anyByLimitOnly() {
            return names.size() > rateSlots.size(); // every name with a rate slot is held
        }
    }

    private final Map<String, Integer> limits;
    private final Map<String, Task.Rate> rates;
    /** The names with a limit per key ({@link Task#limitBy}): claimed by {@link KeyTurns}. */
    private final Set<String> keyed;
    /** Every limited name, sorted: the order their locks are taken in. */
    private final List<String> locked;
    /**
     * The names whose limit is kept as places where the database does so ({@link Storage#limitPlaces}): every name
     * with a limit of at most {@value #MOST_PLACES}, whatever else limits it. So every running task of such a type holds
     * a place, whichever foreman started it: foremen that differ in a type's rate or limit per key (a rolling deploy
     * that adds one) still keep its limit together, and a claim need not count the type's running tasks.
     */
    private final Set<String> byPlace;
    /** Of {@link #byPlace}, those that take no lock: neither a rate nor a limit per key, which the lock counts. */
    private final Set<String> byPlaceOnly;
    /** Whether the places of {@link #byPlace} are written: set by the first claim's {@link #ensurePlaces}. */
    private volatile boolean placesWritten;

    /** The largest limit kept as places (a row each); a larger one is counted under the type's lock. */
    static final int MOST_PLACES = 10_000;

    ClaimLimits(Map<String, Integer> limits, Map<String, Task.Rate> rates, Set<String> keyed) {
        this.limits = Map.copyOf(limits);
        this.rates = Map.copyOf(rates);
        this.keyed = Set.copyOf(keyed);
        TreeSet<String> all = new TreeSet<>(limits.keySet());
        all.addAll(rates.keySet());
        all.addAll(keyed);
        this.locked = List.copyOf(all);
        this.byPlace = limits.entrySet().stream().filter(e -> e.getValue() <= MOST_PLACES)
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.byPlaceOnly = byPlace.stream().filter(n -> !rates.containsKey(n) && !keyed.contains(n))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * Before the first claim, on a database that keeps limits as places: writes the places of the names that take them,
     * in a transaction of its own (a claim that rolls back must not take them with it). Throws as the database does;
     * the claim is then not made, and the next one tries again.
     */
    void ensurePlaces(Storage storage) {
        if (placesWritten || byPlace.isEmpty() || storage.limitPlaces() == null) {
            return;
        }
        storage.database().transaction(dsl -> {
            for (String name : new TreeSet<>(byPlace)) { // in name order, as two foremen may write at once
                LimitPlaceStore.ensure(dsl, name, limits.get(name));
            }
            return null;
        });
        placesWritten = true;
    }

    /**
     * After the claim, in its transaction: records the attempts it runs ({@code runnable}) and makes the places it took
     * held by them (in claim order, a place each), in one statement, so another foreman's claim finds them taken until
     * those records go. Only where limits are kept as places ({@link Storage#limitPlaces}: PostgreSQL).
     *
     * @throws LimitPlaceStore.PlaceTaken when a place was taken by another claim after all: the claim must roll back
     */
    void recordHolding(DSLContext dsl, LimitPlaces placeStore, Caps caps, List<ClaimedTask> runnable,
                       String foremanId, long startedAt, Set<Integer> endedSlots) {
        List<LimitPlaceStore.Hold> holds = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : caps.places().entrySet()) {
            java.util.Iterator<Integer> places = e.getValue().iterator();
            for (ClaimedTask task : runnable) {
                if (task.row().taskName().equals(e.getKey()) && task.slot() != ClaimedTask.NO_SLOT) {
                    if (!places.hasNext()) {
                        throw new IllegalStateException("a claim of " + e.getKey() + " took more tasks than the "
                                + e.getValue().size() + " places it took; rolled back");
                    }
                    holds.add(new LimitPlaceStore.Hold(e.getKey(), places.next(), task.slot(), task.row().id()));
                }
            }
        }
        placeStore.recordHolding(dsl, runnable.stream().map(ClaimedTask::entry).toList(), foremanId, startedAt, holds,
                endedSlots);
    }

    boolean isEmpty() {
        return locked.isEmpty();
    }

    boolean limits(String taskName) {
        return limits.containsKey(taskName) || rates.containsKey(taskName) || keyed.contains(taskName);
    }

    /**
     * How many more tasks of a type a claim may take: the places its concurrency limit leaves ({@code limit} minus
     * {@code running}) and the starts its rate leaves ({@code rateRoom}, {@link RateSlots#room}), whichever is fewer;
     * {@link Integer#MAX_VALUE} for a type with neither. Zero or less: none.
     *
     * @param limit    the concurrency limit, or null
     * @param rateRoom the starts a rate leaves now, or null
     */
    static int room(Integer limit, int running, Integer rateRoom) {
        int room = Integer.MAX_VALUE;
        if (limit != null) {
            room = limit - running;
        }
        if (rateRoom != null) {
            room = Math.min(room, rateRoom);
        }
        return room;
    }

    /**
     * Before the claim, in its transaction: takes the places of the names kept as places (PostgreSQL), locks the
     * limited names a lock counts (all of them on SQLite), counts their running tasks (every foreman's records but
     * those of this foreman's {@code endedSlots}) and their recent starts, as of the time {@code clock} gives once the
     * locks are held: the claim's time ({@link Caps#nowMillis}).
     */
    Caps before(DSLContext dsl, Storage storage, List<String> claimNames, int want, java.util.function.LongSupplier clock,
                String foremanId, Set<Integer> endedSlots) {
        LimitPlaces placeStore = storage.limitPlaces();
        Set<String> placed = placeStore != null ? byPlace : Set.of();
        Set<String> unlocked = placeStore != null ? byPlaceOnly : Set.of();
        storage.lockLimits(dsl, unlocked.isEmpty() ? locked
                : locked.stream().filter(n -> !unlocked.contains(n)).toList());
        // The claim's time, read once the locks are held: a time read before a wait for another foreman's claim would
        // stamp this claim's starts in the past, and a rate's window would let their successors start early.
        long nowMillis = clock.getAsLong();
        Set<String> counted = placed.isEmpty() ? limits.keySet()
                : limits.keySet().stream().filter(n -> !placed.contains(n)).collect(java.util.stream.Collectors.toSet());
        Map<String, Integer> running = counted.isEmpty() ? Map.of()
                : RunningStore.countOf(dsl, counted, foremanId, endedSlots);
        Map<String, List<Integer>> places = new HashMap<>();
        List<String> names = new ArrayList<>(claimNames.size());
        Map<String, Integer> caps = new HashMap<>();
        Set<String> held = new HashSet<>();
        Map<String, Integer> recent = new HashMap<>();
        Map<String, Long> firstSlots = new HashMap<>();
        Map<String, Long> slots = new HashMap<>();
        Map<String, Integer> keyedRoom = new HashMap<>();
        for (String name : claimNames) {
            Integer limit = limits.get(name);
            Task.Rate rate = rates.get(name);
            if (limit == null && rate == null) {
                if (keyed.contains(name)) {
                    keyedRoom.put(name, Integer.MAX_VALUE);
                } else {
                    names.add(name);
                }
                continue;
            }
            List<Integer> taken = null;
            if (placed.contains(name)) {
                taken = placeStore.take(dsl, name, limit, want, foremanId, endedSlots);
                if (taken.isEmpty()) {
                    held.add(name);
                    continue;
                }
                places.put(name, taken); // locked until the claim ends; those its tasks take are held by them
            }
            Integer rateRoom = null;
            if (rate != null) {
                RateStore.Window window = RateStore.window(dsl, name, nowMillis - rate.per().toMillis());
                long first = RateSlots.firstSlot(RateSlots.spacingNanos(rate), RateSlots.catchUpNanos(rate),
                        window.lastSlot(), nowMillis * NANOS);
                recent.put(name, window.starts());
                firstSlots.put(name, first);
                rateRoom = RateSlots.room(rate, first, nowMillis * NANOS, window.starts());
                if (rateRoom <= 0) {
                    slots.put(name, nextStart(dsl, name, rate, first, 0, window.starts()));
                }
            }
            int room = taken != null ? room(taken.size(), 0, rateRoom)
                    : room(limit, running.getOrDefault(name, 0), rateRoom);
            if (room <= 0) {
                held.add(name);
            } else {
                if (keyed.contains(name)) {
                    keyedRoom.put(name, room);
                } else {
                    names.add(name);
                }
                caps.put(name, room);
            }
        }
        return new Caps(names, caps, held, recent, firstSlots, slots, keyedRoom, places, nowMillis);
    }

    /**
     * After the claim, in its transaction: records the starts of the rate-limited types it took, and notes the types
     * it took the last of what they may have (held back until a task of theirs ends, or their rate's next start).
     *
     * The names {@code heldByKeys} are held back too: a walk of their keys passed keys whose places were all taken and
     * left their tasks (until a task of theirs ends).
     *
     * @return the names held back, and the next start of those held by their rate
     */
    Held after(DSLContext dsl, List<TaskStore.Row> claimed, Caps before, long nowMillis, Set<String> heldByKeys) {
        Set<String> held = new HashSet<>(before.held());
        held.addAll(heldByKeys);
        Map<String, Long> slots = new HashMap<>(before.rateSlots());
        for (Map.Entry<String, Integer> cap : before.caps().entrySet()) {
            String name = cap.getKey();
            int took = (int) claimed.stream().filter(r -> r.taskName().equals(name)).count();
            Task.Rate rate = rates.get(name);
            long first = rate == null ? 0 : before.firstSlots().get(name);
            if (rate != null && took > 0) {
                RateStore.record(dsl, name, nowMillis, first, RateSlots.spacingNanos(rate), took);
            }
            if (took >= cap.getValue()) {
                held.add(name);
                int starts = before.recentStarts().getOrDefault(name, 0) + took;
                long next = rate == null ? 0 : first + took * RateSlots.spacingNanos(rate);
                if (rate != null && RateSlots.room(rate, next, nowMillis * NANOS, starts) <= 0) {
                    slots.put(name, nextStart(dsl, name, rate, first, took, starts));
                }
            }
        }
        return held.isEmpty() ? Held.NONE : new Held(Set.copyOf(held), Map.copyOf(slots));
    }

    /**
     * When a type may start one more, after this claim took {@code took} of its slots from {@code first}, with
     * {@code starts} in its window (this claim's included): its next slot, or later if the window is full until its
     * oldest start that must leave does, one period on. Epoch ms.
     */
    private static long nextStart(DSLContext dsl, String name, Task.Rate rate, long first, int took, int starts) {
        long windowFreeAt = 0;
        if (starts >= rate.starts()) {
            Long leaving = RateStore.startAt(dsl, name, starts - rate.starts());
            windowFreeAt = (leaving == null ? 0 : leaving) + rate.per().toMillis();
        }
        return RateSlots.nextStartMillis(RateSlots.spacingNanos(rate), first, took, windowFreeAt);
    }

    private static final long NANOS = 1_000_000; // per ms: the claims' clock is in ms, slots in ns
}
