package dev.dbmq.internal.sqlite;

import dev.dbmq.DbmqException;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.internal.Backend;
import dev.dbmq.internal.Exclusivity;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.Wakeups;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The embedded SQLite backend: one file, one foreman per database, producers in other processes wake it through the
 * wakeup directory.
 *
 * <p>Its parts: {@link SqliteStorage} with {@link SqliteDatabase} (the one connection and its transactions),
 * {@link SqliteStatements} and {@link SqliteStatementCache} (the hot statements, prepared once), {@link GroupCommit}
 * and {@link SqliteCommitWakeups} (a wakeup when the application's own transaction commits); {@link SqliteWakeups}
 * with {@link SqliteWakeupDirectory} and {@link SqliteWakeupWatcher} (cross-process wakeups);
 * {@link SqliteForemanLock} (one foreman per database).
 *
 * <p>Everything that admits one foreman per database, or lets a producer find it, is named after the database file's
 * real path: through a symlink, link.db and real.db are one database (SQLite puts the -wal next to real.db too), and
 * must share one lock and one wakeup directory.
 */
public final class SqliteBackend implements Backend {

    private final Path wakeupDirectory;
    private final Synchronous synchronous;
    private final SqliteDatabase database;
    private final Path file;                  // as configured
    private final String key;                 // the real path
    private final Path lockFile;
    private final SqliteStorage storage;
    private final SqliteWakeups wakeups;

    public SqliteBackend(QueueSettings settings) {
        this.file = settings.databaseFile();
        this.synchronous = settings.synchronous();
        this.database = new SqliteDatabase(settings); // creates the file, so its real path exists from here on
        try {
            Path real = realFile(file);
            this.key = real.toString();
            this.lockFile = real.resolveSibling(real.getFileName() + "-foreman.lock");
            this.wakeupDirectory = settings.wakeupDirectory() != null ? settings.wakeupDirectory()
                    : real.resolveSibling(real.getFileName() + "-wakeup");
            SqliteWakeupDirectory wakeupDirectory = new SqliteWakeupDirectory(this.wakeupDirectory);
            wakeupDirectory.prepare();
            this.wakeups = new SqliteWakeups(wakeupDirectory);
            this.storage = new SqliteStorage(database, file, key, lockFile);
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
    public Path wakeupDirectory() {
        return wakeupDirectory;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String describeOpened() {
        return "opened queue " + file + " (schema version " + database.schemaVersion() + ", synchronous="
                + synchronous + ")";
    }

    @Override
    public Storage storage() {
        return storage;
    }

    @Override
    public Wakeups wakeups() {
        return wakeups;
    }

    /** An OS file lock next to the database's real path: one foreman per database, in any process. */
    @Override
    public Exclusivity exclusivity() {
        return holder -> SqliteForemanLock.acquire(lockFile, describe(), holder);
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
