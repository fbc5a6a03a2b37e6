package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SelectForUpdateStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConnection;

/**
 * The embedded SQLite backend: one file, one foreman per database, producers in other processes wake it through the
 * wakeup directory.
 *
 * <p>Its parts: {@link SqliteDatabase} (the one connection and its transactions), {@link SqliteStatements} and
 * {@link SqliteStatementCache} (the hot statements, prepared once), {@link SqliteForemanLock} (one foreman per
 * database), {@link SqliteWakeupDirectory} and {@link SqliteWakeupWatcher} (cross-process wakeups),
 * {@link SqliteCommitWakeups} (a wakeup when the application's own transaction commits).
 *
 * <p>Everything that admits one foreman per database, or lets a producer find it, is named after the database file's
 * real path: through a symlink, link.db and real.db are one database (SQLite puts the -wal next to real.db too), and
 * must share one lock and one wakeup directory.
 */
final class SqliteBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(SqliteBackend.class);

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

    private final QueueSettings settings;
    private final SqliteDatabase database;
    private final Path file;                  // as configured
    private final String key;                 // the real path
    private final Path lockFile;
    private final SqliteWakeupDirectory wakeupDirectory;
    private final SqliteCommitWakeups commitWakeups = new SqliteCommitWakeups();
    private final GroupCommit groupCommit;

    SqliteBackend(QueueSettings settings) {
        this.file = settings.databaseFile();
        this.database = new SqliteDatabase(settings); // creates the file, so its real path exists from here on
        try {
            Path real = realFile(file);
            this.key = real.toString();
            this.lockFile = real.resolveSibling(real.getFileName() + "-foreman.lock");
            this.settings = settings.wakeupDirectory() != null ? settings
                    : settings.withWakeupDirectory(real.resolveSibling(real.getFileName() + "-wakeup"));
            this.wakeupDirectory = new SqliteWakeupDirectory(this.settings.wakeupDirectory());
            wakeupDirectory.prepare();
            this.groupCommit = new GroupCommit(database, this);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static Path realFile(Path databaseFile) {
        try {
            return databaseFile.toRealPath();
        } catch (IOException e) {
            throw new DbmqException("cannot resolve the real path of the queue database file " + databaseFile
                    + " (" + e + "); it was created a moment ago: check that nothing removes it", e);
        }
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
        return "from " + wakeupDirectory.path();
    }

    @Override
    public String describeOpened() {
        return "opened queue " + file + " (schema version " + database.schemaVersion() + ", synchronous="
                + settings.synchronous() + ")";
    }

    @Override
    public long insert(DSLContext dsl, String taskName, String args, String metadata, long createdAt, long dueAt) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Backend.super.insert(dsl, taskName, args, metadata, createdAt, dueAt)
                : SqliteStatements.insert(cache, taskName, args, metadata, createdAt, dueAt);
    }

    /** Producer threads that enqueue at once share one transaction: see {@link GroupCommit}. */
    @Override
    public long enqueue(String taskName, String args, String metadata, long createdAt, long dueAt, boolean claim) {
        return groupCommit.insert(taskName, args, metadata, createdAt, dueAt, claim);
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
            Backend.super.claimInserted(dsl, id);
        } else if (!SqliteStatements.delete(cache, id)) {
            throw new IllegalStateException("task " + id + " inserted by this transaction is not there to claim");
        }
    }

    @Override
    public List<Long> insertAll(DSLContext dsl, String taskName, List<String> args, String metadata, long createdAt,
                                long dueAt) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Backend.super.insertAll(dsl, taskName, args, metadata, createdAt, dueAt)
                : SqliteStatements.insertAll(cache, taskName, args, metadata, createdAt, dueAt);
    }

    @Override
    public List<TaskStore.Row> claim(DSLContext dsl, int limit, List<String> names, long nowMillis) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Backend.super.claim(dsl, limit, names, nowMillis)
                : SqliteStatements.claim(cache, limit, names, nowMillis);
    }

    @Override
    public Long nextDueAt(DSLContext dsl, List<String> names) {
        SqliteStatementCache cache = SqliteStatementCache.of(dsl);
        return cache == null ? Backend.super.nextDueAt(dsl, names) : SqliteStatements.nextDueAt(cache, names);
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
    public long insertInCallerTransaction(DSLContext tx, String taskName, String args, String metadata,
                                          long createdAt, long dueAt, String key, Runnable wakeAtCommit) {
        if (tx.dialect().family() != SQLDialect.SQLITE) {
            throw new IllegalArgumentException("tx must be a SQLite context on " + file + ", its dialect is "
                    + tx.dialect());
        }
        tx.connection(c -> {
            SQLiteConnection sqlite = SqliteCommitWakeups.unwrap(c);
            if (sqlite == null || !sameFile(c.getMetaData().getURL())) {
                throw new IllegalArgumentException("tx must be a connection to " + file + ", it is "
                        + c.getMetaData().getURL());
            }
            commitWakeups.arm(sqlite, wakeAtCommit);
        });
        // Native INSERT … RETURNING, as on the queue's own connection (see SqliteDatabase.jooqSettings)
        DSLContext nativeReturning = tx.configuration().derive(SqliteDatabase.jooqSettings()).dsl();
        return TaskStore.insert(nativeReturning, taskName, args, metadata, createdAt, dueAt, key);
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

    /** An OS file lock next to the database's real path: one foreman per database, in any process. */
    @Override
    public Exclusivity exclusivity(String holder) {
        return SqliteForemanLock.acquire(lockFile, describe(), holder);
    }

    /** A file in the wakeup directory, for a foreman in another process. */
    @Override
    public void wakeOtherProcesses() {
        wakeupDirectory.touch();
    }

    /** Clears wakeup files left from before (a foreman starting claims anyway), then watches the directory. */
    @Override
    public WakeupSource wakeupSource(WakeTarget target, Duration recheck, String foremanId, ForemanThreads threads) {
        wakeupDirectory.prepare();
        int stale = wakeupDirectory.clear();
        if (stale > 0) {
            log.info("Foreman {}: cleared {} stale wakeup files from {}", foremanId, stale, wakeupDirectory.path());
        }
        return new SqliteWakeupWatcher(wakeupDirectory, target, recheck, foremanId, threads);
    }

    /** SQLite only: the file whose OS lock admits one foreman per database, next to the database's real path. */
    Path lockFile() {
        return lockFile;
    }

    @Override
    public void close() {
        database.close();
    }
}
