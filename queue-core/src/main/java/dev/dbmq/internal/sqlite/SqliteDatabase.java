package dev.dbmq.internal.sqlite;

import dev.dbmq.DbmqException;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.internal.Database;
import dev.dbmq.internal.OfflineConnection;
import dev.dbmq.internal.migrations.QueueMigrations;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded SQLite database: one connection per queue, lent to one thread at a time.
 *
 * <p>Why one connection: SQLite admits one writer at a time anyway. Threads of this JVM queue on a Java lock, which
 * hands over in microseconds, instead of on SQLite's busy handler, which sleeps in steps of milliseconds. Other
 * processes (the foreman, other producers) still meet us through the busy timeout ({@link SqliteBusyWait}).
 *
 * <p>Why this connection never starves WAL checkpoints (snappea's growing WAL): it stays in autocommit between uses
 * and every result is fully read and closed by jOOQ before the lock is released, so no read transaction stays open
 * while idle.
 */
final class SqliteDatabase implements Database {

    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

    static final int WAL_SIZE_LIMIT = 16 << 20;

    private final Path file;
    private final String url;
    private final SQLiteConfig config;
    private final String schemaVersion;
    private final ReentrantLock lock = new ReentrantLock();
    private final SqliteBusyWait busyWait;
    private final boolean createdFromTemplate;

    // Guarded by lock.
    private Connection connection;
    private DSLContext dsl; // made at the first use that needs jOOQ, after the connection
    private SqliteStatementCache statements;
    private Object fileKey; // the inode this queue opened
    private String replaced; // once the file was replaced: why every use is refused
    private boolean closed;

    SqliteDatabase(QueueSettings settings) {
        this(settings, true);
    }

    /** @param fromTemplate whether a missing file starts as a copy of the build's template ({@link SqliteTemplate}) */
    SqliteDatabase(QueueSettings settings, boolean fromTemplate) {
        this.file = settings.databaseFile();
        this.url = "jdbc:sqlite:" + file;
        this.config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(settings.synchronous() == Synchronous.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        // Migrations' connections wait with SQLite's own handler; the queue's connection with busyWait (see there).
        config.setBusyTimeout((int) settings.busyTimeout().toMillis());
        this.busyWait = new SqliteBusyWait(settings.busyTimeout().toNanos());
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        // After a checkpoint, truncate a WAL that a burst grew past this, rather than keep its peak size forever.
        config.setJournalSizeLimit(WAL_SIZE_LIMIT);
        this.createdFromTemplate = fromTemplate && SqliteTemplate.createFrom(file);
        if (!createdFromTemplate) {
            createOwnerOnly(file);
        }
        warnIfNotOwnerOnly(file);
        this.schemaVersion = migrate();
        lock.lock();
        try {
            fileKey = currentFileKey();
        } finally {
            lock.unlock();
        }
    }

    /** Creates the file owner-only before SQLite does; SQLite gives its -wal and -shm files the same mode. */
    private static void createOwnerOnly(Path file) {
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // an existing database keeps its mode: it is the owner's choice
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: SQLite creates the file with the platform's default
        } catch (IOException e) {
            throw new DbmqException("cannot create the database file " + file + ": " + e, e);
        }
    }

    /**
     * Warns, once per open, about the database, {@code -wal} or {@code -shm} (those that exist now) having group or
     * other permission bits: another tool created them (the Flyway command under umask 022, a copy), and task args
     * may be sensitive. Warned, not fixed: a mode on an existing file is the owner's choice (a backup tool's group,
     * a reader running as another user), and a silent chmod could break it.
     */
    private static void warnIfNotOwnerOnly(Path file) {
        StringBuilder found = new StringBuilder();
        StringBuilder paths = new StringBuilder();
        for (Path p : new Path[] {file, file.resolveSibling(file.getFileName() + "-wal"),
                file.resolveSibling(file.getFileName() + "-shm")}) {
            Set<PosixFilePermission> mode;
            try {
                mode = Files.getPosixFilePermissions(p);
            } catch (NoSuchFileException e) {
                continue;
            } catch (UnsupportedOperationException | IOException e) {
                return; // not a POSIX file system, or unreadable attributes: SQLite reports what matters
            }
            if (mode.stream().anyMatch(b -> !b.name().startsWith("OWNER_"))) {
                found.append(found.length() == 0 ? "" : ", ").append(p).append(" (")
                        .append(PosixFilePermissions.toString(mode)).append(')');
                paths.append(' ').append(p);
            }
        }
        if (found.length() > 0) {
            log.warn("the queue's files should be owner-only (task args may be sensitive), but these are open to"
                    + " group or others: {}; SQLite gives a -wal and -shm it creates the database's mode. dbmq"
                    + " leaves modes alone; to fix: chmod 600{}", found, paths);
        }
    }

    private String migrate() {
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        try {
            return QueueMigrations.apply(dataSource, null).version();
        } catch (RuntimeException e) {
            throw new DbmqException("cannot migrate the queue database " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String schemaVersion() {
        return schemaVersion;
    }

    /** Whether this open created the file, as a copy of the build's template: for tests. */
    boolean createdFromTemplate() {
        return createdFromTemplate;
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public <T> T autocommit(Function<DSLContext, T> work) {
        JooqLoaded.ensure();
        return autocommitStatements(opened -> work.apply(jooq()));
    }

    /** With a statement cache of its own, so SQLite's prepared statements take the path they take here. */
    @Override
    public DSLContext onCallerConnection(Connection connection) {
        return DSL.using(connection, SQLDialect.SQLITE, Database.jooqSettings());
    }

    @Override
    public DSLContext offline() {
        Connection offline = OfflineConnection.open();
        DSLContext context = DSL.using(offline, SQLDialect.SQLITE, Database.jooqSettings());
        new SqliteStatementCache(offline).attach(context);
        return context;
    }

    /**
     * One task without a key, in autocommit, by the prepared INSERT on this connection with no jOOQ context made (see
     * {@link #autocommitStatements}); returns its id.
     */
    long insertAutocommit(String taskName, String args, String metadata, long createdAt, long dueAt, int priority) {
        return autocommitStatements(cache -> SqliteStatements.insert(cache, taskName, args, metadata, createdAt,
                dueAt, priority));
    }

    /**
     * As {@link #autocommit}, with the connection's prepared statements only: no jOOQ context is made. A short-lived
     * producer's one enqueue then never loads jOOQ's DSL (most of a cold JVM's first enqueue; README-bench, "Cold
     * start").
     */
    <T> T autocommitStatements(Function<SqliteStatementCache, T> work) {
        lock.lock();
        try {
            open();
            return work.apply(statements);
        } catch (DataAccessException e) {
            dropConnectionIfBroken(e);
            throw new DbmqException("statement on " + file + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            dropConnectionIfBroken(e);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T> T transaction(Function<DSLContext, T> work) {
        JooqLoaded.ensure();
        lock.lock();
        try {
            DSLContext ctx = dsl();
            boolean committed = false;
            try {
                connection.setAutoCommit(false); // BEGIN IMMEDIATE: the write lock now, not at the first write
                T result = work.apply(ctx);
                commit();
                committed = true;
                return result;
            } finally {
                restoreAutocommit(committed);
            }
        } catch (SQLException | DataAccessException e) {
            dropConnectionIfBroken(e);
            throw new DbmqException("transaction on " + file + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            dropConnectionIfBroken(e);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T> T transactionBy(long deadlineNanos, Function<DSLContext, T> work) {
        JooqLoaded.ensure();
        try {
            if (!lock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new DbmqException("gave up waiting for " + file + ": in use by another thread of this JVM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DbmqException("interrupted waiting for " + file, e);
        }
        try {
            // Another process's write lock: wait for it only until the deadline, then fail with SQLITE_BUSY.
            busyWait.waitUntil(deadlineNanos);
            return transaction(work); // the lock is reentrant
        } finally {
            busyWait.clearDeadline();
            lock.unlock();
        }
    }

    /**
     * After an I/O-class error (disk full, read-only, file gone, corrupt) the connection is dropped, so the next use
     * opens a fresh one once the cause is fixed. BUSY and constraint errors leave it alone. Caller holds lock.
     */
    private void dropConnectionIfBroken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                int primary = sql.getErrorCode() & 0xff;
                if (primary == 8 || primary == 10 || primary == 11 || primary == 13 || primary == 14
                        || primary == 26) { // READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB
                    closeConnection();
                }
                return;
            }
        }
    }

    /**
     * Commits by returning to autocommit: one "commit;". sqlite-jdbc's Connection.commit() also begins the next
     * transaction (taking the write lock again) only for setAutoCommit(true) to commit that empty one. If the commit
     * fails the driver already believes it is in autocommit: the connection is dropped, which rolls back.
     */
    private void commit() throws SQLException {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
    }

    private void restoreAutocommit(boolean committed) {
        if (connection == null) {
            return; // dropped by a failed commit
        }
        try {
            if (!committed && !connection.getAutoCommit()) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // The connection is in an unknown state: drop it; the next use opens a fresh one.
            closeConnection();
        }
    }

    // Caller holds lock.
    private DSLContext dsl() {
        open();
        return jooq();
    }

    /**
     * Holder: jOOQ's DSL initialised and one statement rendered, in this JVM: the largest part of jOOQ's first use
     * (its classes, every dialect's data types, the rendering machinery). Done by the first {@link #jooq()}, inside the
     * lock, every other thread of the JVM waited for it, producers included; so whoever needs a jOOQ context
     * initialises this first, before taking the lock. The statement-only path ({@link #autocommitStatements}, a lone
     * enqueue) never does, so a short-lived producer still never loads jOOQ's DSL.
     */
    private static final class JooqLoaded {
        static {
            DSL.using(SQLDialect.SQLITE, Database.jooqSettings()).render(DSL.selectOne());
        }

        /** Initialises this class, once: a no-op after that. */
        static void ensure() {
        }
    }

    /** The jOOQ context on the open connection, made at its first use. Caller holds lock, after open(). */
    private DSLContext jooq() {
        if (dsl == null) {
            dsl = DSL.using(connection, SQLDialect.SQLITE, Database.jooqSettings());
            statements.attach(dsl);
        }
        return dsl;
    }

    /** Checks the file is still ours, and opens the connection when there is none. Caller holds lock. */
    private void open() {
        if (closed) {
            throw new IllegalStateException("the queue on " + file + " is closed");
        }
        if (replaced != null) {
            throw new DbmqException(replaced);
        }
        // A deleted or moved database file would otherwise take writes into an unlinked inode, losing them
        // silently: check the path still names the file we opened (one stat system call per use).
        Object key = currentFileKey();
        if (!key.equals(fileKey)) {
            replaced = refuseReplaced();
            throw new DbmqException(replaced);
        }
        if (connection == null) {
            try {
                connection = openConnection();
            } catch (SQLException e) {
                throw new DbmqException("cannot open the queue database " + file + ": " + e.getMessage(), e);
            }
            statements = new SqliteStatementCache(connection);
        }
    }

    private Connection openConnection() throws SQLException {
        Connection c = config.createConnection(url);
        try {
            BusyHandler.setHandler(c, busyWait); // replaces the busy timeout's handler
            return c;
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Caller holds lock. The path names another file now (a restored backup, say), but {@code <file>-wal} is still the
     * old file's: whoever opens the new file next would read the old file's pages from it, and its first checkpoint
     * would write them into the new file. SQLite does not remove that WAL when its last connection closes, since the
     * database file it belongs to has moved. So this connection, still on the old file, first checkpoints the WAL
     * into the old file and truncates it: through its open descriptors, so only the old file and its WAL are
     * touched, whatever the paths name by now. Then it is closed, and the queue is never used again.
     */
    private String refuseReplaced() {
        String wal;
        if (connection == null) {
            wal = "";
        } else {
            try (var st = connection.createStatement(); var rs = st.executeQuery("pragma wal_checkpoint(TRUNCATE)")) {
                wal = rs.next() && rs.getInt(1) == 0 ? " The old WAL is checkpointed into the old file and emptied."
                        : " The old WAL could not be emptied yet: another process is reading it, and empties it"
                        + " itself when it notices.";
            } catch (SQLException e) {
                wal = " The old WAL could not be emptied (" + e.getMessage() + ").";
            }
            closeConnection();
        }
        String message = "the queue database file " + file + " was replaced under the running queue (a restored"
                + " backup?); this queue will not reopen it over the old file's WAL." + wal + " Stop every process"
                + " using " + file + ", then open it again";
        log.error("{}", message);
        return message;
    }

    /**
     * The inode at the path. When there is none, the connection stays open (no statement runs on it meanwhile): if
     * the file comes back it is the same one, and if another takes its place, only this connection can empty the
     * old file's WAL (see {@link #refuseReplaced()}).
     */
    private Object currentFileKey() {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key != null ? key : file;
        } catch (NoSuchFileException e) {
            throw new DbmqException("the queue database file " + file + " is gone (deleted or moved); nothing was"
                    + " written. Restore it, or open a new queue to start an empty one");
        } catch (IOException e) {
            throw new DbmqException("cannot read the queue database file " + file + ": " + e, e);
        }
    }

    // Caller holds lock.
    private void closeConnection() {
        if (connection != null) {
            statements.close();
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort
            }
            connection = null;
            dsl = null;
            statements = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            closeConnection();
        } finally {
            lock.unlock();
        }
    }
}
