package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import java.time.Duration;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SelectForUpdateStep;
import org.jooq.impl.DSL;

/**
 * The PostgreSQL backend: one database shared by foremen on many hosts, any number of them; an insert trigger's
 * NOTIFY wakes them all, whoever enqueued. Its parts: {@link PostgresDatabase} (connections borrowed from the
 * application's DataSource, the schema mapping) and {@link PostgresListener} (LISTEN).
 *
 * <p>It keys itself by the DataSource's identity and the schema: two queues of this JVM on one pool and schema are
 * one database to {@link LocalForemen}. Two pools on one database are two keys, which costs nothing but a direct
 * wakeup: the NOTIFY still comes.
 */
final class PostgresBackend implements Backend {

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
    };

    private final QueueSettings settings;
    private final PostgresDatabase database;
    private final String key;

    PostgresBackend(QueueSettings settings) {
        this.settings = settings;
        this.database = new PostgresDatabase(settings);
        this.key = "postgres:" + System.identityHashCode(settings.dataSource()) + ":" + settings.schema();
    }

    @Override
    public Database database() {
        return database;
    }

    @Override
    public QueueSettings settings() {
        return settings;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String describeWakeups() {
        return "by NOTIFY " + PostgresListener.CHANNEL;
    }

    @Override
    public String describeOpened() {
        return "opened queue on PostgreSQL database \"" + database.databaseName() + "\", "
                + (settings.schema() == null ? "the connections' current schema" : "schema " + settings.schema())
                + " (schema version " + database.schemaVersion() + ")";
    }

    @Override
    public ClaimForm claimForm() {
        return CLAIM_FORM;
    }

    /**
     * The context must be PostgreSQL on the queue's database ({@link PostgresDatabase#requireSameDatabase}, checked
     * before the insert: in autocommit mode the insert itself commits). The queue's schema mapping is applied to it.
     * {@code wakeAtCommit} is not needed: the insert trigger notifies every foreman when tx commits.
     */
    @Override
    public long insertInCallerTransaction(DSLContext tx, String taskName, String args, String metadata,
                                          long createdAt, long dueAt, String key, Runnable wakeAtCommit) {
        if (tx.dialect().family() != SQLDialect.POSTGRES) {
            throw new IllegalArgumentException("tx must be a PostgreSQL context, its dialect is " + tx.dialect());
        }
        database.requireSameDatabase(tx);
        DSLContext mapped = tx.configuration().derive(database.settings()).dsl();
        return TaskStore.insert(mapped, taskName, args, metadata, createdAt, dueAt, key);
    }

    /** Any number of foremen: nothing to take. */
    @Override
    public Exclusivity exclusivity(String holder) {
        return Exclusivity.NONE;
    }

    /** Nothing to do: the insert trigger's NOTIFY reaches every foreman. */
    @Override
    public void wakeOtherProcesses() {
    }

    @Override
    public WakeupSource wakeupSource(WakeTarget target, Duration recheck, String foremanId, ForemanThreads threads) {
        return new PostgresListener(database.dataSource(), settings.schema(), target, recheck, foremanId, threads);
    }

    /** The data source belongs to the application: it is not closed. */
    @Override
    public void close() {
        database.close();
    }
}
