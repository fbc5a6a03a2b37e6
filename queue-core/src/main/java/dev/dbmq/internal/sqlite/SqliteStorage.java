package dev.dbmq.internal.sqlite;

import static dev.dbmq.internal.jooq.Tables.DBMQ_FAILED_TASK;
import static dev.dbmq.internal.jooq.Tables.DBMQ_FOREMAN;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.ForemanRegistry;
import dev.dbmq.internal.Handoff;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SelectForUpdateStep;
import org.jooq.impl.DSL;
import org.sqlite.SQLiteConnection;

/**
 * SQLite's storage: the one connection ({@link SqliteDatabase}), the hot statements prepared once on it
 * ({@link SqliteStatements}, used whenever the transaction is on that connection), producer threads sharing a
 * commit ({@link GroupCommit}), and hand-overs.
 */
final class SqliteStorage implements Storage {

    /**
     * {@code DELETE … WHERE id IN (SELECT id … ORDER BY id LIMIT n) RETURNING …}. SQLite evaluates the uncorrelated
     * sub-select once, into a list, before the delete looks up its rowids ({@code EXPLAIN QUERY PLAN}:
     * {@code LIST SUBQUERY}); it has no FOR UPDATE, and needs none: claims run under BEGIN IMMEDIATE, so writers take
     * turns.
     */
    static final ClaimForm CLAIM_FORM = new ClaimForm() {
        @Override
        public <R extends Record> Select<R> claimable(SelectForUpdateStep<R> oldest) {
            return oldest;
        }

        @Override
        public Condition idIn(Select<Record1<Long>> ids) {
            return DBMQ_TASK.ID.in(ids);
        }
    };

    private final SqliteDatabase database;
    private final Path file;                  // as configured
    private final String key;                 // the real path
    private final Path lockFile;              // the foreman lock: who holds it is the one foreman alive
    private final SqliteCommitWakeups commitWakeups = new SqliteCommitWakeups();
    private final GroupCommit groupCommit;

    SqliteStorage(SqliteDatabase database, Path file, String key, Path lockFile) {
        this.database = database;
        this.file = file;
        this.key = key;
        this.lockFile = lockFile;
        this.groupCommit = new GroupCommit(database, this, database::insertAutocommit);
    }

    @Override
    public Database database() {
        return database;
    }

    /** One foreman runs on a SQLite database: the one whose id the held foreman lock names. */
    @Override
    public List<ForemanRegistry.Row> foremen(DSLContext dsl) {
        String holder = SqliteForemanLock.liveHolder(lockFile);
        return dsl.selectFrom(DBMQ_FOREMAN).orderBy(DBMQ_FOREMAN.STARTED_AT, DBMQ_FOREMAN.ID)
                .fetch(r -> ForemanRegistry.row(r, r.getId().equals(holder)));
    }

    @Override
    public long insert(DSLContext dsl, String taskName, String args, String metadata, long createdAt, long dueAt,
                       int priority) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Storage.super.insert(dsl, taskName, args, metadata, createdAt, dueAt, priority)
                : SqliteStatements.insert(cache, taskName, args, metadata, createdAt, dueAt, priority);
    }

    /** Producer threads that enqueue at once share one transaction: see {@link GroupCommit}. */
    @Override
    public long enqueue(String taskName, String args, String metadata, long createdAt, long dueAt, int priority,
                        Handoff claimFor) {
        return groupCommit.insert(taskName, args, metadata, createdAt, dueAt, priority, claimFor);
    }

    /** Prepared, a row at a time: the records of a claim or a hand-over, one per task. */
    @Override
    public void recordRunning(DSLContext dsl, List<RunningStore.Entry> entries, String foremanId, long startedAt) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        if (cache == null) {
            Storage.super.recordRunning(dsl, entries, foremanId, startedAt);
            return;
        }
        for (RunningStore.Entry e : entries) {
            SqliteStatements.recordRunning(cache, e, foremanId, startedAt);
        }
    }

    @Override
    public void clearRunning(DSLContext dsl, String foremanId, java.util.Collection<Integer> slots) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        if (cache == null) {
            Storage.super.clearRunning(dsl, foremanId, slots);
            return;
        }
        for (int slot : slots) {
            SqliteStatements.clearRunning(cache, foremanId, slot);
        }
    }

    /**
     * The next id of dbmq_task's AUTOINCREMENT sequence, taken without a row: {@code sqlite_sequence} holds the
     * largest id ever used, and SQLite gives a new row a larger one, so an id taken here is never given to a task
     * row (SQLite documents the table as writable). Null before the table's first insert (no sequence row yet), or
     * outside dbmq's own transactions.
     */
    @Override
    public Long reserveTaskId(DSLContext dsl) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? null : SqliteStatements.reserveTaskId(cache);
    }

    @Override
    public boolean oneForemanAtATime() {
        return true;
    }

    /** Nothing else wakes a foreman on an insert: a hand-over saves its claim and the hop through its thread. */
    @Override
    public boolean handsOver() {
        return true;
    }

    @Override
    public void claimInserted(DSLContext dsl, long id) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        if (cache == null) {
            Storage.super.claimInserted(dsl, id);
        } else if (!SqliteStatements.delete(cache, id)) {
            throw new IllegalStateException("task " + id + " inserted by this transaction is not there to claim");
        }
    }

    @Override
    public List<Long> insertAll(DSLContext dsl, String taskName, List<String> args, String metadata, long createdAt,
                                long dueAt, int priority) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Storage.super.insertAll(dsl, taskName, args, metadata, createdAt, dueAt, priority)
                : SqliteStatements.insertAll(cache, taskName, args, metadata, createdAt, dueAt, priority);
    }

    @Override
    public List<TaskStore.Row> claim(DSLContext dsl, int limit, List<String> names,
                                     java.util.Map<String, Integer> caps, long nowMillis) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Storage.super.claim(dsl, limit, names, caps, nowMillis)
                : SqliteStatements.claim(cache, limit, names, caps, nowMillis);
    }

    @Override
    public Long nextDueAt(DSLContext dsl, List<String> names) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Storage.super.nextDueAt(dsl, names) : SqliteStatements.nextDueAt(cache, names);
    }

    @Override
    public boolean lanePaused(DSLContext dsl, String lane) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Storage.super.lanePaused(dsl, lane) : SqliteStatements.lanePaused(cache, lane);
    }

    @Override
    public ClaimForm claimForm() {
        return CLAIM_FORM;
    }

    /**
     * The application's connection must be to this file (compared by real path). The wakeup is armed on that
     * connection before the insert, since in autocommit mode the insert itself commits; it runs from SQLite's commit
     * hook (see {@link SqliteCommitWakeups}).
     */
    @Override
    public long insertInCallerTransaction(DSLContext tx, String txName, String taskName, String args,
                                          String metadata, long createdAt, long dueAt, int priority, String key,
                                          String limitKey, Runnable wakeAtCommit) {
        if (tx.dialect().family() != SQLDialect.SQLITE) {
            throw new IllegalArgumentException(txName + " must be a SQLite context on " + file + ", its dialect is "
                    + tx.dialect());
        }
        tx.connection(c -> {
            SQLiteConnection sqlite = SqliteCommitWakeups.unwrap(c);
            if (sqlite == null || !sameFile(c.getMetaData().getURL())) {
                throw new IllegalArgumentException(txName + " must be on the queue's file " + file + ", it is on "
                        + c.getMetaData().getURL() + "; nothing was written");
            }
            commitWakeups.arm(sqlite, wakeAtCommit);
        });
        // Native INSERT … RETURNING, as on the queue's own connection (see Database.jooqSettings)
        DSLContext nativeReturning = tx.configuration().derive(Database.jooqSettings()).dsl();
        return TaskStore.insert(nativeReturning, taskName, args, metadata, createdAt, dueAt, priority, key, limitKey);
    }

    private boolean sameFile(String url) throws SQLException {
        if (url == null || !url.startsWith("jdbc:sqlite:")) {
            return false;
        }
        String path = url.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        try {
            return realPath(Path.of(path).toAbsolutePath()).toString().equals(key);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    @Override
    public int requeueFailed(DSLContext dsl, Condition matching, long nowMillis) {
        int moved = dsl.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.METADATA,
                        DBMQ_TASK.PRIORITY, DBMQ_TASK.LIMIT_KEY, DBMQ_TASK.CREATED_AT, DBMQ_TASK.DUE_AT)
                .select(DSL.select(DBMQ_FAILED_TASK.TASK_NAME, DBMQ_FAILED_TASK.ARGS, DBMQ_FAILED_TASK.METADATA,
                                DBMQ_FAILED_TASK.PRIORITY, DBMQ_FAILED_TASK.LIMIT_KEY, DSL.val(nowMillis),
                                DSL.val(TaskStore.AT_ONCE))
                        .from(DBMQ_FAILED_TASK).where(matching)
                        .orderBy(DBMQ_FAILED_TASK.FAILED_AT, DBMQ_FAILED_TASK.ID))
                .execute();
        int deleted = TaskStore.deleteFailed(dsl, matching);
        if (deleted != moved) { // cannot happen while this transaction is the one writer; never commit a half move
            throw new IllegalStateException("requeue copied " + moved + " failed tasks but removed " + deleted);
        }
        return moved;
    }
}
