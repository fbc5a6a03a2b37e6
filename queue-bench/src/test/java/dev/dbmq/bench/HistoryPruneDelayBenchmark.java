package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
 * Does pruning the history delay claims? One task at a time, from {@code enqueue} called to its handler started, on
 * a queue whose history holds {@code oldRows} entries past the retention (an hour) when the trial starts: with
 * 1,000,000 the foreman's watch deletes them in batches (a thousand rows each, up to twenty a second) all through the
 * measurement, which ends before they are gone (about 50 s); with 0 nothing is pruned. The two in one run: the
 * maximum and the high percentiles are the question. SQLite (one writer: a batch holds the write lock the hand-over
 * or claim needs) and PostgreSQL (foreman and producer on pools of their own).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 4, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class HistoryPruneDelayBenchmark {

    /** Inserts {@code rows} history entries that ended two hours ago, in one statement. */
    static void fill(Connection c, String table, int rows, boolean postgres) throws SQLException {
        long old = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        String values = "x, 'trivial', 1, 'SUCCEEDED', " + old + ", " + old + ", " + old + ", 'gone', NULL";
        String columns = " (id, task_name, attempt, outcome, created_at, started_at, finished_at, foreman_id, error) ";
        try (Statement st = c.createStatement()) {
            st.execute(postgres
                    ? "INSERT INTO " + table + columns + "SELECT " + values + " FROM generate_series(1, " + rows + ") x"
                    : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + rows + ")"
                    + " INSERT INTO " + table + columns + "SELECT " + values + " FROM c");
        }
    }

    /** Prints how many of the old rows the trial pruned: pruning must have run all through the measurement. */
    static void left(Connection c, String table, int oldRows) throws SQLException {
        try (Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + " WHERE foreman_id = 'gone'")) {
            rs.next();
            System.out.println("pruned " + (oldRows - rs.getLong(1)) + " of " + oldRows + " old history rows during"
                    + " the trial; " + rs.getLong(1) + " left");
        }
    }

    @State(Scope.Benchmark)
    public static class Sqlite {
        @Param({"0", "1000000"})
        public int oldRows;

        Path dir;
        TaskQueue queue;
        Foreman foreman;
        volatile CountDownLatch started = new CountDownLatch(0);

        @Setup(Level.Trial)
        public void start() throws SQLException {
            dir = BenchDb.newDirectory();
            QueueSettings settings = QueueSettings.sqlite(dir.resolve("queue.db")).synchronous(Synchronous.NORMAL)
                    .history(Duration.ofHours(1)).build();
            TaskQueue.open(settings).close(); // migrated
            try (Connection c = BenchDb.rawConnection(dir, Synchronous.NORMAL)) {
                fill(c, "dbmq_history", oldRows, false);
            }
            queue = TaskQueue.open(settings);
            foreman = Foreman.builder(queue).handle(BenchDb.TRIVIAL, args -> started.countDown())
                    .stopOnShutdown(false).start();
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) throws SQLException {
            SideResults.recordLoad(params);
            foreman.close();
            queue.close();
            try (Connection c = BenchDb.rawConnection(dir, Synchronous.NORMAL)) {
                left(c, "dbmq_history", oldRows);
            }
            BenchDb.deleteTree(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class Postgres {
        @Param({"0", "1000000"})
        public int oldRows;

        HikariDataSource producerPool;
        HikariDataSource foremanPool;
        String schema;
        TaskQueue producer;
        TaskQueue foremanQueue;
        Foreman foreman;
        volatile CountDownLatch started = new CountDownLatch(0);

        @Setup(Level.Trial)
        public void start() throws SQLException {
            producerPool = BenchPg.pool("prune-producer", 2);
            foremanPool = BenchPg.pool("prune-foreman", 6);
            schema = BenchPg.newSchema("prune");
            producer = TaskQueue.open(QueueSettings.postgres(producerPool).schema(schema)
                    .history(Duration.ofHours(1)).build());
            try (Connection c = producerPool.getConnection()) {
                fill(c, schema + ".dbmq_history", oldRows, true);
                try (Statement st = c.createStatement()) {
                    st.execute("ANALYZE " + schema + ".dbmq_history");
                }
            }
            foremanQueue = TaskQueue.open(QueueSettings.postgres(foremanPool).schema(schema)
                    .history(Duration.ofHours(1)).build());
            foreman = Foreman.builder(foremanQueue).handle(BenchDb.TRIVIAL, args -> started.countDown())
                    .workers(4).stopOnShutdown(false).start();
        }

        @TearDown(Level.Trial)
        public void stop(BenchmarkParams params) throws SQLException {
            SideResults.recordLoad(params);
            foreman.close();
            foremanQueue.close();
            try (Connection c = producerPool.getConnection()) {
                left(c, schema + ".dbmq_history", oldRows);
            }
            producer.close();
            BenchPg.dropSchema(producerPool, schema);
            foremanPool.close();
            producerPool.close();
        }
    }

    @Benchmark
    public void sqlite_enqueue_to_start(Sqlite s) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        s.started = latch;
        s.queue.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(1));
        await(latch);
    }

    @Benchmark
    public void postgres_enqueue_to_start(Postgres s) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        s.started = latch;
        s.producer.enqueue(BenchDb.TRIVIAL, new BenchDb.Trivial(1));
        await(latch);
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the task did not start within 60 s");
        }
    }
}
