package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.TestTasks.Echo;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several foremen on one PostgreSQL database, each with its own connections, as on several hosts. */
@NeedsPostgres
class PostgresScaleOutTest {

    static final Duration NO_POLL = Duration.ofHours(1);

    String schema;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void newSchema() {
        schema = PostgresSupport.newSchema("dbmq_scale");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        try (HikariDataSource ds = PostgresSupport.pool(1)) {
            PostgresSupport.dropSchema(ds, schema);
        }
    }

    /** A queue on its own pool: nothing shared with the other "hosts" but the database. */
    TaskQueue host(int connections) {
        HikariDataSource pool = PostgresSupport.pool(connections);
        toClose.add(pool);
        TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build());
        toClose.add(queue);
        return queue;
    }

    Foreman foreman(TaskQueue queue, Recorder recorder, Map<Integer, AtomicInteger> runs) {
        Foreman f = Foreman.builder(queue).workers(4).listener(recorder).pollInterval(NO_POLL).stopOnShutdown(false)
                .handle(ECHO, a -> runs.computeIfAbsent(a.n(), k -> new AtomicInteger()).incrementAndGet())
                .start();
        toClose.add(f);
        return f;
    }

    @Test
    void three_foremen_run_every_one_of_20000_tasks_exactly_once() {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        Recorder[] recorders = {new Recorder(), new Recorder(), new Recorder()};
        for (Recorder r : recorders) {
            foreman(host(6), r, runs);
        }
        TaskQueue producer = host(2);
        int n = 20_000;
        for (int from = 0; from < n; from += 1000) {
            List<Echo> batch = new ArrayList<>();
            for (int i = from; i < from + 1000; i++) {
                batch.add(new Echo(i));
            }
            producer.enqueueAll(ECHO, batch);
        }
        recorders[0].await(() -> runs.size() == n && producer.pending() == 0, n + " tasks to run");
        List<Integer> twice = runs.entrySet().stream().filter(e -> e.getValue().get() != 1).map(Map.Entry::getKey)
                .toList();
        assertEquals(List.of(), twice, "tasks run more than once");
        for (int i = 0; i < n; i++) {
            assertTrue(runs.containsKey(i), "task " + i + " never ran");
        }
        long total = 0;
        for (Recorder r : recorders) {
            total += r.count("succeeded");
        }
        assertEquals(n, total);
    }

    @Test
    void a_transactional_enqueue_runs_on_commit_and_never_on_rollback() throws Exception {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        Recorder recorder = new Recorder();
        foreman(host(4), recorder, runs);
        recorder.awaitIdleAfter(0);
        HikariDataSource app = PostgresSupport.pool(2);
        toClose.add(app);
        TaskQueue queue = TaskQueue.open(QueueSettings.postgres(app).schema(schema).build());
        toClose.add(queue);
        try (Connection c = app.getConnection()) {
            var dsl = DSL.using(c, SQLDialect.POSTGRES);
            assertThrows(IllegalStateException.class, () -> dsl.transaction(cfg -> {
                queue.enqueue(cfg.dsl(), ECHO, new Echo(1));
                throw new IllegalStateException("rolled back");
            }));
            dsl.transaction(cfg -> queue.enqueue(cfg.dsl(), ECHO, new Echo(2)));
        }
        recorder.awaitCount("succeeded", 1); // woken by the commit's NOTIFY: no poll
        assertEquals(Map.of(2, 1), Map.copyOf(runs).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())));
        assertEquals(0, queue.pending());
    }

    @Test
    void the_listener_reconnects_when_its_connection_is_killed() throws Exception {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        Recorder recorder = new Recorder();
        foreman(host(4), recorder, runs);
        recorder.awaitIdleAfter(0);
        TaskQueue producer = host(2);
        producer.enqueue(ECHO, new Echo(1));
        recorder.awaitCount("succeeded", 1);
        int idles = recorder.idles();
        try (HikariDataSource admin = PostgresSupport.pool(1); Connection c = admin.getConnection();
             Statement st = c.createStatement()) {
            // dbmq_task: the channel the migrations' insert trigger notifies
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN dbmq_task%'"
                    + " AND pid <> pg_backend_pid()");
        }
        // after reconnecting, the listener wakes the foreman once (notifications may have been missed)
        recorder.awaitIdleAfter(idles);
        producer.enqueue(ECHO, new Echo(2));
        recorder.awaitCount("succeeded", 2);
    }

    @Test
    void each_foreman_has_an_identity_of_host_pid_and_a_short_id() {
        Foreman f = foreman(host(2), new Recorder(), new ConcurrentHashMap<>());
        assertTrue(f.id().matches("[^:]+:" + ProcessHandle.current().pid() + ":[0-9a-f]{4}"), f.id());
    }

    @Test
    void settings_for_sqlite_only_are_refused_on_postgres() {
        HikariDataSource pool = PostgresSupport.pool(1);
        toClose.add(pool);
        QueueSettings.Builder b = QueueSettings.postgres(pool);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.synchronous(Synchronous.FULL)).getMessage()
                .startsWith("synchronous applies to SQLite only"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.schema("Bad-Name")).getMessage()
                .startsWith("schema must match"));
    }
}
