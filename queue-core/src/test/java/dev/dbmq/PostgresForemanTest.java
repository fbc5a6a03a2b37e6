package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The foreman contract on PostgreSQL: a schema per test. */
@NeedsPostgres
class PostgresForemanTest extends ForemanContract {

    static HikariDataSource pool;
    String schema;

    @BeforeAll
    static void connect() {
        pool = PostgresSupport.pool(12);
    }

    @AfterAll
    static void disconnect() {
        pool.close();
    }

    @Override
    TaskQueue openQueue() {
        schema = PostgresSupport.newSchema("dbmq_foreman");
        return openSameQueue();
    }

    @Override
    QueueSettings.Builder sameQueueSettings() {
        return QueueSettings.postgres(pool).schema(schema);
    }

    @Override
    String childDb() {
        return "pg:" + schema;
    }

    @Override
    TaskQueue openImpatientQueue() {
        HikariDataSource impatient = PostgresSupport.pool(6, PostgresSupport.database(), "lock_timeout=100");
        toClose.add(impatient);
        TaskQueue q = TaskQueue.open(QueueSettings.postgres(impatient).schema(schema).build());
        toClose.add(q);
        return q;
    }

    @Override
    void renameTaskTable(String from, String to) throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + schema + "." + from + " RENAME TO " + to);
        }
    }

    @Override
    WriteLockHolder holdWriteLock(int tasks) throws Exception {
        Connection c = pool.getConnection();
        c.setAutoCommit(false);
        Statement st = c.createStatement();
        // EXCLUSIVE, not ACCESS EXCLUSIVE: it holds off writers (the claim's DELETE, a failed attempt's retry or
        // failed row, counts) but not readers, as SQLite's BEGIN IMMEDIATE does. A foreman reads the table between
        // claims (the next due time after a claim, tasks without a handler); a lock that blocked those reads would
        // stop the loop before the claim a test waits for.
        st.execute("LOCK TABLE " + schema + ".dbmq_task, " + schema + ".dbmq_failed_task, " + schema
                + ".dbmq_task_count IN EXCLUSIVE MODE");
        for (int i = 0; i < tasks; i++) {
            st.execute("INSERT INTO " + schema + ".dbmq_task (task_name, args, created_at) VALUES ('echo', '{\"n\":"
                    + i + "}', 0)");
        }
        return new WriteLockHolder() {
            @Override
            public void commit() throws Exception {
                c.commit();
            }

            @Override
            public void close() throws Exception {
                c.rollback();
                c.setAutoCommit(true);
                c.close();
            }
        };
    }

    @AfterEach
    void dropSchema() throws Exception {
        PostgresSupport.dropSchema(pool, schema);
    }

    @org.junit.jupiter.api.Test
    void a_dropped_listen_session_takes_the_liveness_lock_with_it_and_the_reconnect_takes_it_again()
            throws Exception {
        Foreman f = started(foreman().handle(TestTasks.ECHO, a -> { }));
        assertEquals(java.util.List.of(f.id()), queue.foremen().stream().map(ForemanInfo::id).toList());
        long first = lockHolderPid();
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("select pg_terminate_backend(" + first + ")"); // as a dropped connection would end it
        }
        long deadline = System.nanoTime() + Recorder.TIMEOUT.toNanos();
        long again;
        while ((again = lockHolderPid()) == first || again == 0) { // the lock is gone with the session, then back
            assertTrue(System.nanoTime() < deadline, "the listener never held the lock again");
            Thread.yield();
        }
        assertEquals(java.util.List.of(f.id()), queue.foremen().stream().map(ForemanInfo::id).toList(),
                "listed again, on its new session");
    }

    /**
     * A foreman claims only while it holds its liveness lock: when its LISTEN session is gone and another session holds
     * its key meanwhile (as it would look to others if the old session lingered), it claims nothing, so no foreman
     * can take it for gone while its tasks run; once it holds the lock again it claims what waited.
     */
    @org.junit.jupiter.api.Test
    void a_foreman_without_its_liveness_lock_claims_nothing_until_it_holds_it_again() throws Exception {
        java.util.Set<Integer> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        started(foreman().handle(TestTasks.ECHO, a -> ran.add(a.n())));
        String key = "(to_regclass('\"" + schema + "\".dbmq_foreman')::oid::bigint << 32) | (select lock_key from \""
                + schema + "\".dbmq_foreman)";
        try (Connection holder = pool.getConnection(); Statement st = holder.createStatement()) {
            boolean held = false;
            long deadline = System.nanoTime() + Recorder.TIMEOUT.toNanos();
            while (!held) { // the foreman reconnects at once; until this session takes the key first, end it again
                assertTrue(System.nanoTime() < deadline, "never took the foreman's lock key");
                long pid = lockHolderPid();
                if (pid != 0) {
                    st.execute("select pg_terminate_backend(" + pid + ")");
                }
                try (java.sql.ResultSet rs = st.executeQuery("select pg_try_advisory_lock(" + key + ")")) {
                    held = rs.next() && rs.getBoolean(1);
                }
            }
            recorder.awaitCount("claimFailed", 1); // its reconnect wakes it; the claim is refused
            queue.enqueue(TestTasks.ECHO, new TestTasks.Echo(1));
            assertEquals(java.util.Set.of(), ran, "claimed without its lock");
            st.execute("select pg_advisory_unlock(" + key + ")");
        }
        recorder.await(() -> ran.contains(1), "the task to run once the foreman holds its lock again");
    }

    /** The server process (session) holding the foreman liveness lock of this schema's one foreman, or 0. */
    private long lockHolderPid() throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("select l.pid from pg_locks l join \"" + schema
                     + "\".dbmq_foreman f on l.objid = f.lock_key::oid where l.locktype = 'advisory'"
                     + " and l.objsubid = 1 and l.granted and l.classid = to_regclass('\"" + schema
                     + "\".dbmq_foreman')")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The late-outcome race forced 1,000 times: no settled attempt is ever completed twice. */
    @org.junit.jupiter.api.Tag("reliability")
    @org.junit.jupiter.api.Test
    void a_late_outcome_forced_a_thousand_times_is_discarded_every_time() throws Exception {
        forceLateOutcomes(1_000);
    }

    /**
     * A stop-the-world pause is not a death: a foreman process stopped (SIGSTOP) while it runs an at-least-once task
     * keeps its LISTEN session, so its advisory lock stays held and a live foreman beside it does not run the task
     * again. Once it continues (SIGCONT) it goes on as before.
     */
    @org.junit.jupiter.api.Tag("reliability")
    @org.junit.jupiter.api.Test
    void a_paused_foreman_process_is_not_taken_for_gone() throws Exception {
        long id = queue.enqueue(TestTasks.SLOW_AGAIN, new TestTasks.Echo(1));
        try (ChildJvm child = ChildJvm.start("foreman", childDb())) {
            String paused = child.await("STARTED ").substring("STARTED ".length());
            child.await("RUNNING ");
            java.util.concurrent.CountDownLatch ranHere = new java.util.concurrent.CountDownLatch(1);
            started(foreman().handle(TestTasks.SLOW_AGAIN, (a, ctx) -> ranHere.countDown()));
            signal(child, "STOP");
            try {
                // Long enough for the live foreman's watch to look about ten times: the task must not run here.
                assertFalse(ranHere.await(10, java.util.concurrent.TimeUnit.SECONDS),
                        "run again while its foreman was only paused");
                assertEquals(java.util.List.of(id), queue.running().stream().map(RunningTask::id).toList());
                assertTrue(queue.foremen().stream().anyMatch(f -> f.id().equals(paused)), "listed as alive");
            } finally {
                signal(child, "CONT");
            }
            child.send("release");
            child.await("DONE ");
            // Before the child is closed (killed): its finished attempt's record is cleared within about a second
            // of going idle; killed before that, its at-least-once task would run again here.
            recorder.await(() -> queue.running().isEmpty() && recordedIds().isEmpty(),
                    "the paused foreman to finish and clear its record");
        }
        assertEquals(java.util.List.of(), queue.failedTasks(10));
        assertEquals(0, queue.pending());
        assertEquals(0, recorder.count("interrupted"));
    }

    private static void signal(ChildJvm child, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }
}
