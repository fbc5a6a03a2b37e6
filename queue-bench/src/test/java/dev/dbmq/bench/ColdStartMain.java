package dev.dbmq.bench;

import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The child JVM of {@link ColdStartBenchmark}: a short-lived producer that opens a queue file and commits one task,
 * then prints {@code coldstart <total ns> <open ns>} on stdout and exits. Total: from the first line of main() to
 * the task committed (enqueue returned, or the raw INSERT's autocommit done); open: to the queue (or connection)
 * opened. Closing comes after the report and is not timed.
 *
 * <pre>
 *   ColdStartMain dbmq new|existing DIR      TaskQueue.open on DIR/queue.db (created and migrated when needed),
 *                                             one enqueue
 *   ColdStartMain rawJdbc new|existing DIR   raw JDBC with the queue's SQLite settings (WAL): open; when new,
 *                                             CREATE TABLE; one INSERT
 * </pre>
 * The raw path touches no dbmq class (its settings are written out here for that reason), so it loads only the
 * driver: the floor a short-lived producer can't go below.
 */
public final class ColdStartMain {

    /** The raw path's table, created on a new file: hand-written on purpose, as {@link RawInsert#SQL}. */
    static final String RAW_TABLE = "CREATE TABLE raw_task (id INTEGER PRIMARY KEY, "
            + "task_name TEXT NOT NULL, args TEXT NOT NULL, created_at INTEGER NOT NULL)";
    static final String RAW_INSERT = "INSERT INTO raw_task (task_name, args, created_at) VALUES (?, ?, ?) "
            + "RETURNING id";
    /** QueueSettings.DEFAULT_BUSY_TIMEOUT, written out: reading it would load dbmq's classes on the raw path. */
    static final int RAW_BUSY_TIMEOUT_MILLIS = 5000;

    private ColdStartMain() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        boolean newFile = switch (args[1]) {
            case "new" -> true;
            case "existing" -> false;
            default -> throw new IllegalArgumentException("new or existing, not " + args[1]);
        };
        Path file = Path.of(args[2]).resolve("queue.db");
        switch (args[0]) {
            case "dbmq" -> Dbmq.run(start, file);
            case "rawJdbc" -> raw(start, file, newFile);
            default -> throw new IllegalArgumentException("unknown client: " + args[0]);
        }
    }

    /** A class of its own, so the verifier of ColdStartMain never loads a dbmq class on the raw path. */
    private static final class Dbmq {
        static void run(long start, Path file) {
            try (TaskQueue queue = TaskQueue.open(
                    QueueSettings.sqlite(file).synchronous(Synchronous.NORMAL).build())) {
                long opened = System.nanoTime();
                queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(1));
                report(start, opened);
            }
        }
    }

    private static void raw(long start, Path file, boolean newFile) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(RAW_BUSY_TIMEOUT_MILLIS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file)) {
            long opened = System.nanoTime();
            if (newFile) {
                try (Statement s = c.createStatement()) {
                    s.execute(RAW_TABLE);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(RAW_INSERT)) {
                ps.setString(1, "trivial");
                ps.setString(2, "{\"n\":1}");
                ps.setLong(3, System.currentTimeMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rs.getLong(1);
                }
            }
            report(start, opened);
        }
    }

    private static void report(long start, long opened) {
        long end = System.nanoTime();
        System.out.println("coldstart " + (end - start) + " " + (opened - start));
        System.out.flush();
    }
}
