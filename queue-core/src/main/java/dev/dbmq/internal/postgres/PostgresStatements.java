package dev.dbmq.internal.postgres;

import static dev.dbmq.internal.jooq.Tables.DBMQ_PAUSED_LANE;

import dev.dbmq.internal.Jdbc;
import dev.dbmq.internal.LimitPlaceStore;
import dev.dbmq.internal.LimitPlaces;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Query;

/**
 * The statements of PostgreSQL's claims, rendered by jOOQ once per shape and after that only bound and run on the
 * connection ({@link Jdbc}): the claim (per number of names, which of them capped by a limit), the records of what it
 * claimed (per number of rows), the look at its lane's pause, a limit's places; and the next-due read. Building and
 * rendering a claim of one name's four priority branches took 121-131 µs of a claim's CPU on this project's 2-vCPU VM,
 * where binding takes a few; rendering the records and parsing plain SQL for placeholders cost as much again. A
 * claim's shape is rendered with sentinel values, and where each sentinel stands among the bind values says what each
 * claim binds there. One instance per queue (its schema mapping is in the SQL); thread-safe.
 */
final class PostgresStatements implements LimitPlaces {

    private static final String NAME = "\u0001name:";
    private static final long NOW = 7_777_777_777_777L;
    private static final int TOTAL = 2_000_000_000;
    private static final int CAPPED = 1_000_000_000;

    /** How many names, and which of them (by position) have a cap below the claim's limit. */
    private record Shape(int names, Set<Integer> capped) {
    }

    /** The SQL, and what to bind at each placeholder: a name's position, NOW, TOTAL, or CAPPED + a position. */
    private record Rendered(String sql, Object[] slots) {
    }

    private final Storage.ClaimForm form;
    private final ConcurrentHashMap<Shape, Rendered> claims = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Rendered> nextDues = new ConcurrentHashMap<>();
    /** By number of rows: the records' insert ({@link RunningStore#recordSql}), and it with the places' hold. */
    private final ConcurrentHashMap<Integer, String> records = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, String> holdings = new ConcurrentHashMap<>();
    private volatile LimitPlaceStore.Sql places;
    private volatile String paused;

    PostgresStatements(Storage.ClaimForm form) {
        this.form = form;
    }

    /** {@link TaskStore#claimQuery} of these names, rendered once for its shape. */
    List<TaskStore.Row> claim(DSLContext dsl, int limit, List<String> names, Map<String, Integer> caps,
                              long nowMillis) {
        Set<Integer> capped = new TreeSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (TaskStore.capped(caps, names.get(i), limit) < limit) {
                capped.add(i);
            }
        }
        Rendered r = claims.computeIfAbsent(new Shape(names.size(), Set.copyOf(capped)), shape -> render(
                sentinels -> {
                    Map<String, Integer> sentinelCaps = new java.util.HashMap<>();
                    shape.capped().forEach(i -> sentinelCaps.put(sentinels.get(i), CAPPED + i));
                    return TaskStore.claimQuery(form, dsl, TOTAL, sentinels, sentinelCaps, NOW);
                }, shape.names()));
        return Jdbc.query(dsl, r.sql(), TaskStore::row, bind(r, names, slot -> slot == NOW ? nowMillis
                : slot == TOTAL ? (long) limit : (long) TaskStore.capped(caps, names.get((int) (slot - CAPPED)), limit)));
    }

    /** {@link RunningStore#record}, its SQL rendered once per number of rows. */
    void record(DSLContext dsl, List<RunningStore.Entry> entries, String foremanId, long startedAt) {
        if (entries.isEmpty()) {
            return;
        }
        Jdbc.execute(dsl, records.computeIfAbsent(entries.size(), n -> RunningStore.recordSql(dsl, n)),
                RunningStore.recordValues(entries, foremanId, startedAt));
    }

    @Override
    public List<Integer> take(DSLContext dsl, String name, int limit, int want, String foremanId,
                              Collection<Integer> endedSlots) {
        return LimitPlaceStore.take(dsl, places(dsl), name, limit, want, foremanId, endedSlots);
    }

    /** With nothing to hold, {@link #record} alone. */
    @Override
    public void recordHolding(DSLContext dsl, List<RunningStore.Entry> entries, String foremanId, long startedAt,
                              List<LimitPlaceStore.Hold> holds, Collection<Integer> endedSlots) {
        if (holds.isEmpty()) {
            record(dsl, entries, foremanId, startedAt);
            return;
        }
        String sql = holdings.computeIfAbsent(entries.size(),
                n -> places(dsl).holding(records.computeIfAbsent(n, m -> RunningStore.recordSql(dsl, m))));
        LimitPlaceStore.recordHolding(dsl, sql, RunningStore.recordValues(entries, foremanId, startedAt), holds,
                foremanId, endedSlots);
    }

    /** {@link dev.dbmq.internal.LaneStore#paused}. */
    boolean lanePaused(DSLContext dsl, String lane) {
        String sql = paused;
        if (sql == null) {
            paused = sql = "select exists (select 1 from " + dsl.render(DBMQ_PAUSED_LANE) + " where lane = ?)";
        }
        return Jdbc.query(dsl, sql, rs -> rs.getBoolean(1), lane).get(0);
    }

    private LimitPlaceStore.Sql places(DSLContext dsl) {
        LimitPlaceStore.Sql sql = places;
        if (sql == null) {
            places = sql = LimitPlaceStore.sql(dsl);
        }
        return sql;
    }

    /** {@link TaskStore#nextDueQuery} of these names, rendered once for their number. */
    Long nextDueAt(DSLContext dsl, List<String> names) {
        Rendered r = nextDues.computeIfAbsent(names.size(),
                count -> render(sentinels -> TaskStore.nextDueQuery(dsl, sentinels), count));
        return dsl.resultQuery(r.sql(), bind(r, names, slot -> {
            throw new IllegalStateException("a next-due statement binds names only, not " + slot);
        })).fetchOne(0, Long.class);
    }

    private static Rendered render(Function<List<String>, Query> query, int names) {
        List<String> sentinels = new java.util.ArrayList<>(names);
        for (int i = 0; i < names; i++) {
            sentinels.add(NAME + i);
        }
        Query q = query.apply(sentinels);
        Object[] slots = q.getBindValues().toArray();
        for (int k = 0; k < slots.length; k++) {
            Object v = slots[k];
            boolean known;
            if (v instanceof String s) {
                known = s.startsWith(NAME);
            } else if (v instanceof Long || v instanceof Integer) {
                long n = ((Number) v).longValue();
                known = (n == NOW && v instanceof Long) || n == TOTAL || (n >= CAPPED && n < CAPPED + names);
            } else {
                known = false;
            }
            if (!known) {
                throw new IllegalStateException("a bind value the shape does not know: " + v + " in " + q.getSQL());
            }
        }
        return new Rendered(q.getSQL(), slots);
    }

    /**
     * The bind values of one statement: each sentinel replaced by what it stands for, a name by the name at its
     * position, a number by {@code other}'s value for it, in the sentinel's own type (jOOQ binds a LIMIT as a long).
     */
    private static Object[] bind(Rendered r, List<String> names, Function<Long, Long> other) {
        Object[] binds = new Object[r.slots().length];
        for (int k = 0; k < binds.length; k++) {
            Object slot = r.slots()[k];
            if (slot instanceof String s) {
                binds[k] = names.get(Integer.parseInt(s.substring(NAME.length())));
            } else {
                long value = other.apply(((Number) slot).longValue());
                binds[k] = slot instanceof Long ? (Object) value : (Object) Math.toIntExact(value);
            }
        }
        return binds;
    }
}
