package dev.dbmq.bench;

import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/** Database files for the benchmarks, and the raw-JDBC connection with the queue's own settings (the floor). */
final class BenchDb {

    /** The trivial task of every benchmark: a record with one int, as small as a real task's args get. */
    record Trivial(int n) {
    }

    static final Task<Trivial> TRIVIAL = Task.of("trivial", Trivial.class);

    private BenchDb() {
    }

    /** A fresh directory for one benchmark's database files; on the same disk as the project (not tmpfs). */
    static Path newDirectory() {
        try {
            return Files.createTempDirectory("dbmq-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static QueueSettings settings(Path dir, Synchronous synchronous) {
        return QueueSettings.sqlite(dir.resolve("queue.db")).synchronous(synchronous).build();
    }

    /** Opens (and migrates) the queue; the raw-JDBC floor uses the same file layout through {@link #rawConnection}. */
    static TaskQueue openQueue(Path dir, Synchronous synchronous) {
        return TaskQueue.open(settings(dir, synchronous));
    }

    /**
     * A plain JDBC connection with the settings SqliteDatabase uses: WAL, the same synchronous mode, busy timeout,
     * BEGIN IMMEDIATE, autocommit. The schema must exist (open a TaskQueue on the file first).
     */
    static Connection rawConnection(Path dir, Synchronous synchronous) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(synchronous == Synchronous.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout((int) QueueSettings.DEFAULT_BUSY_TIMEOUT.toMillis());
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return config.createConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
    }

    /** Empties the task table between iterations, so every iteration starts from the same table. */
    static void clearTasks(Path dir, Synchronous synchronous) {
        try (Connection c = rawConnection(dir, synchronous); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM dbmq_task");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where side results (the wakeup histograms) go: next to jmh-result.json. */
    static Path resultDirectory() {
        Path inReactor = Path.of("queue-bench", "target");
        return Files.isDirectory(inReactor) ? inReactor : Path.of("target");
    }
}
