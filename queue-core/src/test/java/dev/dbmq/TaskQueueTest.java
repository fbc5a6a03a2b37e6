package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("smoke") // one of the few CI runs again on the newest JDK
class TaskQueueTest {

    @TempDir
    Path dir;
    Path db;
    TaskQueue queue;

    @BeforeEach
    void open() {
        db = dir.resolve("queue.db");
        queue = TaskQueue.sqlite(db);
    }

    @AfterEach
    void close() {
        queue.close();
    }

    record Big(String text) {
    }

    /** Jackson can't serialise it: no properties. */
    static final class Opaque {
    }

    @Test
    void enqueue_returns_ascending_ids_and_counts_pending() {
        long a = queue.enqueue(ECHO, new Echo(1));
        long b = queue.enqueue(ECHO, new Echo(2));
        assertTrue(b > a);
        assertEquals(2, queue.pending());
    }

    @Test
    void enqueueAll_returns_one_id_per_task_in_order() {
        List<Echo> args = new ArrayList<>();
        for (int i = 0; i < 2500; i++) { // more than one INSERT chunk
            args.add(new Echo(i));
        }
        List<Long> ids = queue.enqueueAll(ECHO, args);
        assertEquals(2500, ids.size());
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(ids.get(i - 1) + 1, ids.get(i));
        }
        assertEquals(2500, queue.pending());
        assertEquals(List.of(), queue.enqueueAll(ECHO, List.of()));
    }

    @Test
    void enqueueAll_is_all_or_nothing() {
        List<Echo> args = new ArrayList<>(List.of(new Echo(1), new Echo(2)));
        args.add(null);
        assertThrows(IllegalArgumentException.class, () -> queue.enqueueAll(ECHO, args));
        assertEquals(0, queue.pending());
    }

    @Test
    void bad_args_fail_at_enqueue_and_write_nothing() {
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> queue.enqueue(ECHO, null));
        assertTrue(nul.getMessage().contains("must not be null"), nul.getMessage());

        Task<Opaque> opaque = Task.of("opaque", Opaque.class);
        IllegalArgumentException json = assertThrows(IllegalArgumentException.class,
                () -> queue.enqueue(opaque, new Opaque()));
        assertTrue(json.getMessage().contains("cannot be written as JSON"), json.getMessage());

        Task<Big> big = Task.of("big", Big.class);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> queue.enqueue(big, new Big("x".repeat(QueueSettings.DEFAULT_MAX_ARGS_BYTES))));
        assertTrue(size.getMessage().contains("maxArgsBytes=1048576"), size.getMessage());
        // multi-byte characters are counted as bytes, not chars
        IllegalArgumentException utf8 = assertThrows(IllegalArgumentException.class,
                () -> queue.enqueue(big, new Big("é".repeat(QueueSettings.DEFAULT_MAX_ARGS_BYTES / 2))));
        assertTrue(utf8.getMessage().contains("over maxArgsBytes"), utf8.getMessage());
        queue.enqueue(big, new Big("é".repeat(1000)));
        assertEquals(1, queue.pending());
    }

    @Test
    void max_args_bytes_is_a_setting() {
        try (TaskQueue small = TaskQueue.open(QueueSettings.sqlite(dir.resolve("small.db")).maxArgsBytes(10).build())) {
            small.enqueue(ECHO, new Echo(1)); // {"n":1} is 7 bytes
            assertThrows(IllegalArgumentException.class, () -> small.enqueue(ECHO, new Echo(123456)));
            assertEquals(1, small.pending());
        }
    }

    @Test
    void task_names_are_checked() {
        for (String bad : new String[] {"", " x", "a b", "-x", "x\n", "é", "x".repeat(201), null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Task.of(bad, Echo.class));
            assertTrue(e.getMessage().startsWith("task name must be"), e.getMessage());
        }
        Task.of("digest.v2:event-1_x", Echo.class);
    }

    @Test
    void enqueue_after_close_fails_clearly() {
        queue.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> queue.enqueue(ECHO, new Echo(1)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        queue.close(); // idempotent
    }

    @Test
    void settings_are_checked_naming_the_setting() {
        QueueSettings.Builder b = QueueSettings.sqlite(db);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxArgsBytes(0)).getMessage()
                .startsWith("maxArgsBytes must be"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.busyTimeout(Duration.ofSeconds(-1)))
                .getMessage().startsWith("busyTimeout must be"));
    }

    @Test
    void the_database_is_owner_only_in_wal_mode_with_the_chosen_synchronous() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(queue.settings().wakeupDirectory())));
        assertEquals("wal", queue.database().autocommit(d -> d.fetchValue("pragma journal_mode")));
        assertEquals(1, ((Number) queue.database().autocommit(d -> d.fetchValue("pragma synchronous"))).intValue());
        try (TaskQueue full = TaskQueue.open(QueueSettings.sqlite(dir.resolve("full.db"))
                .synchronous(Synchronous.FULL).build())) {
            assertEquals(2, ((Number) full.database().autocommit(d -> d.fetchValue("pragma synchronous")))
                    .intValue());
        }
    }

    @Test
    void stats_report_pending_and_the_oldest_task_age_by_the_clock() {
        AtomicLong now = new AtomicLong(1_000_000);
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        try (TaskQueue q = TaskQueue.open(QueueSettings.sqlite(dir.resolve("clock.db")).clock(clock).build())) {
            q.enqueue(ECHO, new Echo(1));
            now.addAndGet(5_000);
            q.enqueue(ECHO, new Echo(2));
            now.addAndGet(2_000);
            QueueStats stats = q.stats();
            assertEquals(2, stats.pending());
            assertEquals(Duration.ofSeconds(7), stats.oldestTaskAge());
        }
    }

    @Test
    void a_transactional_enqueue_exists_only_if_the_transaction_commits() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            DSLContext app = DSL.using(c, SQLDialect.SQLITE);
            app.transaction(cfg -> queue.enqueue(cfg.dsl(), ECHO, new Echo(1)));
            assertEquals(1, queue.pending());
            assertThrows(IllegalStateException.class, () -> app.transaction(cfg -> {
                queue.enqueue(cfg.dsl(), ECHO, new Echo(2));
                throw new IllegalStateException("the application changes its mind");
            }));
            assertEquals(1, queue.pending());
        }
    }

    @Test
    void a_transactional_enqueue_must_use_this_queues_database() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("other.db"))) {
            DSLContext other = DSL.using(c, SQLDialect.SQLITE);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> queue.enqueue(other, ECHO, new Echo(1)));
            assertTrue(e.getMessage().startsWith("tx must be on the queue's file"), e.getMessage());
        }
    }

    /**
     * That this compiles is the test: with the Connection and jOOQ forms beside {@code enqueue(task, args, options)},
     * each call still picks one overload, also with null args (which every form refuses). Only a bare null first
     * argument, {@code enqueue(null, ECHO, args)}, is ambiguous (DSLContext or Connection), a compile error rather
     * than a wrong choice.
     */
    @Test
    void null_args_pick_one_overload_and_are_refused() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            DSLContext dsl = DSL.using(c, SQLDialect.SQLITE);
            List<org.junit.jupiter.api.function.Executable> calls = List.of(
                    () -> queue.enqueue(ECHO, null),
                    () -> queue.enqueue(ECHO, null, Enqueue.now()),
                    () -> queue.enqueue(c, ECHO, null),
                    () -> queue.enqueue(c, ECHO, null, Enqueue.now()),
                    () -> queue.enqueue(dsl, ECHO, null),
                    () -> queue.enqueue(dsl, ECHO, null, Enqueue.now()));
            for (org.junit.jupiter.api.function.Executable call : calls) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
                assertTrue(e.getMessage().startsWith("args"), e.getMessage());
            }
        }
        assertEquals(0, queue.pending());
    }

    @Test
    void migrations_refuse_a_database_dbmq_does_not_support() {
        // Someone once pointed snappea at MySQL. We say no, clearly.
        java.sql.DatabaseMetaData meta = (java.sql.DatabaseMetaData) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {java.sql.DatabaseMetaData.class},
                (p, m, a) -> m.getName().equals("getDatabaseProductName") ? "MySQL" : null);
        Connection mysql = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (p, m, a) -> m.getName().equals("getMetaData") ? meta : null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.dbmq.internal.migrations.QueueMigrations.Vendor.of(mysql));
        assertEquals("dbmq supports SQLite and PostgreSQL; this database is MySQL", e.getMessage());
    }
}
