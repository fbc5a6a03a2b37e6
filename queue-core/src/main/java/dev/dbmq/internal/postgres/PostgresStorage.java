package dev.dbmq.internal.postgres;

import static dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK;
import static dev.dbmq.internal.jooq.Tables.DBMQ_FOREMAN;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.ForemanRegistry;
import dev.dbmq.internal.LimitPlaces;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import org.jooq.Condition;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SelectForUpdateStep;
import org.jooq.impl.DSL;

/** PostgreSQL's storage: connections borrowed from the application's pool, claims that skip locked rows. */
final class PostgresStorage implements Storage {

    /**
     * {@code DELETE … WHERE id = ANY(ARRAY(SELECT id … ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED)) RETURNING …}.
     *
     * <p>The bound holds under any plan: the ARRAY(…) sub-select is uncorrelated, so PostgreSQL evaluates it once per
     * statement (an InitPlan) into an array of at most {@code n} ids, and the delete matches those ids (a primary
     * key) and no others. The form {@code id IN (SELECT …)} leaves that to the planner: a legal nested-loop semi-join
     * rescans the sub-select for every row of the table, each rescan skips the rows this statement already deleted
     * and locks {@code n} more, and one claim deletes the whole queue ({@code PostgresClaimBoundTest} provokes that
     * plan).
     *
     * <p>Rather than River's and Oban's {@code WITH … AS MATERIALIZED (…)}, which bounds it too: the delete is an
     * index lookup of the ids ({@code Index Cond: id = ANY($1)}), not a join, so join-method settings and statistics
     * have nothing to choose between (with joins disabled, the CTE form's delete scans the whole table); it was no
     * slower in a comparison of the three forms; and jOOQ 3.19 qualifies a CTE's fields with the render-mapped schema
     * ({@code "s"."cte"."id"}), which PostgreSQL rejects.
     *
     * <p>SKIP LOCKED: rows another foreman's claim holds are skipped, not waited for.
     */
    static final ClaimForm CLAIM_FORM = new ClaimForm() {
        @Override
        public <R extends Record> Select<R> claimable(SelectForUpdateStep<R> oldest) {
            return oldest.forUpdate().skipLocked();
        }

        @Override
        public Condition idIn(Select<Record1<Long>> ids) {
            return DBMQ_TASK.ID.eq(DSL.any(DSL.array(ids)));
        }

        @Override
        public boolean branchesPerPriority() {
            return true;
        }
    };

    private final PostgresDatabase database;
    private final PostgresStatements statements = new PostgresStatements(CLAIM_FORM);

    PostgresStorage(PostgresDatabase database) {
        this.database = database;
    }

    /** Claims of names take statements rendered once per shape ({@link PostgresStatements}); of any name, a test's, not. */
    @Override
    public List<TaskStore.Row> claim(DSLContext dsl, int limit, List<String> names,
                                     java.util.Map<String, Integer> caps, long nowMillis) {
        return names == null ? Storage.super.claim(dsl, limit, null, caps, nowMillis)
                : statements.claim(dsl, limit, names, caps, nowMillis);
    }

    @Override
    public Long nextDueAt(DSLContext dsl, List<String> names) {
        return names.isEmpty() ? null : statements.nextDueAt(dsl, names);
    }

    @Override
    public void recordRunning(DSLContext dsl, List<RunningStore.Entry> entries, String foremanId, long startedAt) {
        statements.record(dsl, entries, foremanId, startedAt);
    }

    @Override
    public boolean lanePaused(DSLContext dsl, String lane) {
        return statements.lanePaused(dsl, lane);
    }

    @Override
    public Database database() {
        return database;
    }

    /**
     * A foreman is alive while its advisory lock is held (by its LISTEN session: {@link PostgresListener}), as
     * {@code pg_locks} shows it: the key's high half is this table's oid, so the queues of other schemas never
     * mix, and the low half the foreman's lock key.
     */
    @Override
    public List<ForemanRegistry.Row> foremen(DSLContext dsl) {
        Field<Boolean> alive = DSL.field("exists (select 1 from pg_locks l where l.locktype = 'advisory'"
                + " and l.objsubid = 1 and l.granted"
                + " and l.database = (select oid from pg_database where datname = current_database())"
                + " and l.classid = to_regclass({0}) and l.objid = {1}::oid)", Boolean.class,
                DSL.val(dsl.render(DBMQ_FOREMAN)), DBMQ_FOREMAN.LOCK_KEY);
        return dsl.select(DBMQ_FOREMAN.asterisk(), alive).from(DBMQ_FOREMAN)
                .orderBy(DBMQ_FOREMAN.STARTED_AT, DBMQ_FOREMAN.ID)
                .fetch(r -> ForemanRegistry.row(r.into(DBMQ_FOREMAN), Boolean.TRUE.equals(r.get(alive))));
    }

    /**
     * A transaction-level advisory lock per name, in name order (so two claims never wait for each other in a cycle):
     * the key's high half is {@code dbmq_running}'s oid (a foreman's liveness lock uses {@code dbmq_foreman}'s, and
     * other schemas' queues other oids), the low half the name's hash. Two names that share a hash share a lock: they
     * are counted one after the other, never together.
     */
    @Override
    public void lockLimits(DSLContext dsl, List<String> names) {
        String running = dsl.render(dev.dbmq.internal.jooq.Tables.DBMQ_RUNNING);
        for (String name : names.stream().sorted().toList()) {
            dsl.execute("select pg_advisory_xact_lock((to_regclass({0})::oid::bigint << 32)"
                    + " | (hashtext({1})::bigint & 4294967295))", DSL.val(running), DSL.val(name));
        }
    }

    /** Limits of up to {@code ClaimLimits.MOST_PLACES} are kept as places, taken by statements written once. */
    @Override
    public LimitPlaces limitPlaces() {
        return statements;
    }

    @Override
    public ClaimForm claimForm() {
        return CLAIM_FORM;
    }

    /**
     * {@code unique_key LIKE 'prefix%'}. A range compares in the column's collation, and in a linguistic one (en_US,
     * ICU) punctuation counts only after the letters, so {@code 'dbmq:recurring:x'} sorts after
     * {@code 'dbmq:recurring;'} and the range misses it. LIKE compares characters, whatever the collation. Where the
     * collation is "C" the planner makes a range of the index from the pattern (inline, so that it sees it);
     * elsewhere it reads the partial unique-key index, the keyed tasks only, or the table.
     */
    @Override
    public Condition keyStartsWith(String prefix) {
        String escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return DBMQ_TASK.UNIQUE_KEY.like(DSL.inline(escaped + "%"), '\\');
    }

    /**
     * The context must be PostgreSQL on the queue's database ({@link PostgresDatabase#requireSameDatabase}, checked
     * before the insert: in autocommit mode the insert itself commits). The queue's schema mapping is applied to it.
     * {@code wakeAtCommit} is not needed: the insert trigger notifies every foreman when tx commits.
     */
    @Override
    public long insertInCallerTransaction(DSLContext tx, String txName, String taskName, String args,
                                          String metadata, long createdAt, long dueAt, int priority, String key,
                                          String limitKey, Runnable wakeAtCommit) {
        if (tx.dialect().family() != SQLDialect.POSTGRES) {
            throw new IllegalArgumentException(txName + " must be a PostgreSQL context, its dialect is "
                    + tx.dialect());
        }
        database.requireSameDatabase(tx, txName);
        DSLContext mapped = tx.configuration().derive(database.settings()).dsl();
        return TaskStore.insert(mapped, taskName, args, metadata, createdAt, dueAt, priority, key, limitKey);
    }

    @Override
    public int requeueFailed(DSLContext dsl, Condition matching, long nowMillis) {
        // One statement: the rows the DELETE removed are the rows the INSERT writes, whatever commits meanwhile.
        return dsl.execute("with moved as (delete from {0} where {1}"
                        + " returning task_name, args, metadata, priority, limit_key, failed_at, id)"
                        + " insert into {2} (task_name, args, metadata, priority, limit_key, created_at, due_at)"
                        + " select task_name, args, metadata, priority, limit_key, {3}, {4} from moved"
                        + " order by failed_at, id",
                DBMQ_FAILED_TASK, matching, DBMQ_TASK, DSL.val(nowMillis), DSL.val(TaskStore.AT_ONCE));
    }
}
