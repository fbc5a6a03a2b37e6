package dev.dbmq.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.FailedFilter;
import dev.dbmq.PendingFilter;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
 * The reads the operator console and the CLI make, each timed from the call to its return, on a queue that holds
 * 1,000,000 pending tasks (5 names; half due, half due over the next day; one in fifty a retry), 1,000,000 history
 * entries (the same names, the last day) and 100,000 kept failures (5 names, two reasons). No foreman runs. SQLite
 * (synchronous=NORMAL) and PostgreSQL (after ANALYZE), as {@code backend}. The question: is each bounded by an index,
 * or does it read the whole table?
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ConsoleQueriesBenchmark {


    @State(Scope.Benchmark)
    public static class Filled {
        @Param({"sqlite", "postgres"})
        public String backend;

        /** Pending tasks and history entries; a tenth as many kept failures. CI's smoke pass sets 1000. */
        @Param("1000000")
        public int rows;

        Path dir;
        HikariDataSource pool;
        String schema;
        TaskQueue queue;

        @Setup(Level.Trial)
        public void fill() throws SQLException {
            long now = System.currentTimeMillis();
            if (backend.equals("sqlite")) {
                dir = BenchDb.newDirectory();
                QueueSettings settings = QueueSettings.sqlite(dir.resolve("queue.db")).synchronous(Synchronous.NORMAL)
                        .build();
                TaskQueue.open(settings).close();
                try (Connection c = BenchDb.rawConnection(dir, Synchronous.NORMAL)) {
                    fill(c, "", now, false, rows);
                }
                queue = TaskQueue.open(settings);
            } else {
                pool = BenchPg.pool("console", 2);
                schema = BenchPg.newSchema("console");
                queue = BenchPg.openQueue(pool, schema);
                try (Connection c = pool.getConnection()) {
                    fill(c, schema + ".", now, true, rows);
                    try (Statement st = c.createStatement()) {
                        st.execute("VACUUM ANALYZE " + schema + ".dbmq_task");
                        st.execute("VACUUM ANALYZE " + schema + ".dbmq_history");
                        st.execute("VACUUM ANALYZE " + schema + ".dbmq_failed_task");
                    }
                }
            }
        }

        private static void fill(Connection c, String prefix, long now, boolean postgres, int rows)
                throws SQLException {
            String name = postgres ? "'task-' || (x % 5)" : "'task-' || (x % 5)";
            try (Statement st = c.createStatement()) {
                st.execute(insert(postgres, rows, "INSERT INTO " + prefix + "dbmq_task (task_name, args, created_at,"
                        + " due_at, attempt) ", "SELECT " + name + ", '{\"n\":' || x || '}', " + now + ", CASE WHEN x % 2 = 0"
                        + " THEN 0 ELSE " + now + " + x * 86 END, CASE WHEN x % 50 = 0 THEN 2 ELSE 1 END"));
                st.execute(insert(postgres, rows, "INSERT INTO " + prefix + "dbmq_history (id, task_name, attempt,"
                        + " outcome, created_at, started_at, finished_at, foreman_id, error) ", "SELECT x, " + name
                        + ", 1, 'SUCCEEDED', " + now + " - 86400000 + x * 86, " + now + " - 86400000 + x * 86, " + now
                        + " - 86400000 + x * 86, 'f', NULL"));
                st.execute(insert(postgres, rows / 10, "INSERT INTO " + prefix + "dbmq_failed_task (id, task_name, args,"
                        + " created_at, failed_at, reason, attempts) ", "SELECT " + rows + " + x, " + name + ", '{}', "
                        + now + ", " + now + " - x * 1000, CASE WHEN x % 100 = 0 THEN 'handler threw"
                        + " java.net.SocketTimeoutException: Read timed out' ELSE 'handler threw"
                        + " java.lang.IllegalStateException: bad input' END, 3"));
            }
        }

        private static String insert(boolean postgres, int rows, String into, String select) {
            return postgres ? into + select + " FROM generate_series(1, " + rows + ") x"
                    : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + rows + ") " + into
                    + select + " FROM c";
        }

        @TearDown(Level.Trial)
        public void close(BenchmarkParams params) {
            SideResults.recordLoad(params);
            queue.close();
            if (dir != null) {
                BenchDb.deleteTree(dir);
            } else {
                BenchPg.dropSchema(pool, schema);
                pool.close();
            }
        }
    }

    @Benchmark
    public Object stats(Filled f) {
        return f.queue.stats();
    }

    @Benchmark
    public Object statsByName(Filled f) {
        return f.queue.statsByName();
    }

    @Benchmark
    public Object countsPerMinute_1h(Filled f) {
        return f.queue.countsPerMinute(Duration.ofHours(1));
    }

    @Benchmark
    public Object pendingTasks_all_100(Filled f) {
        return f.queue.pendingTasks(PendingFilter.all(), 100);
    }

    @Benchmark
    public Object pendingTasks_name_100(Filled f) {
        return f.queue.pendingTasks(PendingFilter.all().taskName("task-3"), 100);
    }

    @Benchmark
    public Object failedTasks_all_100(Filled f) {
        return f.queue.failedTasks(FailedFilter.all(), 100);
    }

    @Benchmark
    public Object failedTasks_name_reason_100(Filled f) {
        return f.queue.failedTasks(FailedFilter.all().taskName("task-3").reasonContains("timed out"), 100);
    }

    @Benchmark
    public Object countFailed_all(Filled f) {
        return f.queue.countFailed(FailedFilter.all());
    }

    @Benchmark
    public Object recentHistory_100(Filled f) {
        return f.queue.recentHistory(100);
    }

    @Benchmark
    public Object recentHistory_name_100(Filled f) {
        return f.queue.recentHistory("task-3", 100);
    }

    @Benchmark
    public Object history_of_a_task(Filled f) {
        return f.queue.history(f.rows / 2);
    }

    @Benchmark
    public Object findPending(Filled f) {
        return f.queue.findPending(f.rows / 2);
    }

    @Benchmark
    public Object running_foremen_schedules(Filled f) {
        return f.queue.running().size() + f.queue.foremen().size() + f.queue.schedules().size();
    }
}
