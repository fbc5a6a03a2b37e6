package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.FailedFilter;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@code requeueFailed(FailedFilter.all())} of 100,000 kept failed tasks (args {@code {"n":<id>}}, a reason of 40
 * chars), from the call to its return (the transaction committed): one call per invocation, the table filled again
 * before each (not timed), the task table emptied. No foreman runs. SQLite (synchronous=NORMAL) and PostgreSQL.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class BulkRequeueBenchmark {

    /** Kept failures requeued by each call; CI's smoke pass sets 1000. */
    @State(Scope.Benchmark)
    public static class Size {
        @Param("100000")
        public int failed;
    }

    static void refill(Connection c, String prefix, boolean postgres, int failed) throws SQLException {
        String select = "x, 'trivial', '{\"n\":' || x || '}', 0, x, 'handler threw java.io.IOException: timeout', 1";
        try (Statement st = c.createStatement()) {
            st.execute("DELETE FROM " + prefix + "dbmq_task");
            st.execute("DELETE FROM " + prefix + "dbmq_failed_task");
            String insert = "INSERT INTO " + prefix + "dbmq_failed_task (id, task_name, args, created_at, failed_at,"
                    + " reason, attempts) ";
            st.execute(postgres ? insert + "SELECT " + select + " FROM generate_series(1, " + failed + ") x"
                    : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + failed + ") "
                    + insert + "SELECT " + select + " FROM c");
        }
    }

    @State(Scope.Benchmark)
    public static class Sqlite {
        Path dir;
        TaskQueue queue;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchDb.newDirectory();
            queue = TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).synchronous(Synchronous.NORMAL)
                    .build());
        }

        @Setup(Level.Invocation)
        public void fill(Size size) throws SQLException {
            try (Connection c = BenchDb.rawConnection(dir, Synchronous.NORMAL)) {
                refill(c, "", false, size.failed);
            }
        }

        @TearDown(Level.Trial)
        public void close(BenchmarkParams params) {
            SideResults.recordLoad(params);
            queue.close();
            BenchDb.deleteTree(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class Postgres {
        HikariDataSource pool;
        String schema;
        TaskQueue queue;

        @Setup(Level.Trial)
        public void open() {
            pool = BenchPg.pool("requeue", 2);
            schema = BenchPg.newSchema("requeue");
            queue = BenchPg.openQueue(pool, schema);
        }

        @Setup(Level.Invocation)
        public void fill(Size size) throws SQLException {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                refill(c, schema + ".", true, size.failed);
                st.execute("VACUUM ANALYZE " + schema + ".dbmq_failed_task"); // autovacuum is off on this server
                st.execute("VACUUM ANALYZE " + schema + ".dbmq_task");
            }
        }

        @TearDown(Level.Trial)
        public void close(BenchmarkParams params) {
            SideResults.recordLoad(params);
            queue.close();
            BenchPg.dropSchema(pool, schema);
            pool.close();
        }
    }

    @Benchmark
    public int sqlite_requeue_100000(Sqlite s, Size size) {
        return check(s.queue.requeueFailed(FailedFilter.all()), size.failed);
    }

    @Benchmark
    public int postgres_requeue_100000(Postgres s, Size size) {
        return check(s.queue.requeueFailed(FailedFilter.all()), size.failed);
    }

    private static int check(int requeued, int failed) {
        if (requeued != failed) {
            throw new IllegalStateException("requeued " + requeued + " of " + failed);
        }
        return requeued;
    }
}
