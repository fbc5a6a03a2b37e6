package dev.dbmq.internal.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.ChildJvm;
import dev.dbmq.DbmqException;
import dev.dbmq.QueueSettings;
import dev.dbmq.internal.Backend;
import dev.dbmq.internal.BackendContract;
import dev.dbmq.internal.CallerTransactionContract;
import dev.dbmq.internal.ClaimContract;
import dev.dbmq.internal.Database;
import dev.dbmq.internal.Exclusivity;
import dev.dbmq.internal.ExclusivityContract;
import dev.dbmq.internal.InsertContract;
import dev.dbmq.internal.TaskStore;
import dev.dbmq.internal.WakeupContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.conf.StatementType;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend contract on SQLite: a file in a temporary directory per test; one foreman per database. */
class SqliteBackendTest extends BackendContract implements InsertContract, ClaimContract,
        CallerTransactionContract, WakeupContract, ExclusivityContract {

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("queue.db");
    }

    /** A long busy timeout: two backends claiming in a tight loop take turns at the write lock. */
    static Backend open(Path file) {
        return new SqliteBackend(QueueSettings.sqlite(file).busyTimeout(Duration.ofSeconds(30)).build());
    }

    @Override
    protected Backend openFresh() {
        return open(file());
    }

    @Override
    public Backend openSame() {
        return open(file());
    }

    @Override
    public Backend openOther() {
        return open(dir.resolve("other.db"));
    }

    @Override
    public boolean admitsSeveralForemen() {
        return false;
    }

    /** The watch is registered when the source is made, before start(): nothing to wait for. */
    @Override
    public boolean wakesOnceListening() {
        return false;
    }

    @Override
    public String describedAs() {
        return file().toString();
    }

    @Override
    public CallerTx openCallerTx() throws Exception {
        return callerTx(file());
    }

    @Override
    public CallerTx openCallerTxOnOther() throws Exception {
        return callerTx(dir.resolve("other.db"));
    }

    /** A plain sqlite-jdbc connection, as an application's own would be. */
    static CallerTx callerTx(Path file) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        return CallerTx.over(c, SQLDialect.SQLITE, conn -> { });
    }

    @Test
    void a_backend_opened_through_a_symlink_has_the_key_of_the_real_file() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("link.db"), file());
        Backend linked = closing(open(link));
        assertEquals(backend().key(), linked.key());
        assertThrows(DbmqException.class, () -> {
            try (Exclusivity.Lease first = backend().exclusivity().acquire("contract-foreman-1")) {
                linked.exclusivity().acquire("contract-foreman-2");
            }
        });
    }

    /**
     * On POSIX, closing any descriptor of a file drops every lock the process holds on it. A second foreman of this
     * JVM that is refused must not do that to the first one's lock: a foreman in another process would then start.
     */
    @Test
    void a_refused_second_foreman_of_this_jvm_leaves_the_lock_held_against_other_processes() throws Exception {
        try (Exclusivity.Lease first = backend().exclusivity().acquire("contract-foreman-1")) {
            Backend second = closing(openSame());
            assertThrows(DbmqException.class, () -> second.exclusivity().acquire("contract-foreman-2"));
            try (ChildJvm child = ChildJvm.start("try-foreman-lock", file().toString())) {
                String line = child.await("LOCKED", "REFUSED");
                assertTrue(line.startsWith("REFUSED") && line.contains("contract-foreman-1"),
                        "another process, while the first foreman holds the lock: " + line);
                child.awaitExit();
            }
        }
        try (ChildJvm child = ChildJvm.start("try-foreman-lock", file().toString())) {
            assertEquals("LOCKED", child.await("LOCKED", "REFUSED"), "another process, once the lock is released");
            child.awaitExit();
        }
    }

    /**
     * The claim of one name and the next due time are seeks of the claim index, one range per priority, whatever the
     * priorities, due times and names of the rest: no scan of the queue and no sort (of two names, only the merge of
     * their ranges sorts).
     */
    @Test
    void the_claim_and_the_next_due_time_read_a_range_per_priority_and_never_scan_the_queue() {
        for (int i = 0; i < 30; i++) {
            insertDue(backend(), i % 2 == 0 ? A : B, i, i, i % 4);
        }
        List<String> plans = storage().database().transaction(dsl -> {
            List<String> details = new ArrayList<>();
            dsl.fetch("EXPLAIN QUERY PLAN " + SqliteStatements.claimSql(List.of(A)), A, 100L, 5)
                    .forEach(r -> details.add("claim: " + r.get("detail", String.class)));
            dsl.fetch("EXPLAIN QUERY PLAN " + SqliteStatements.NEXT_DUE, A, A, A, A)
                    .forEach(r -> details.add("next due: " + r.get("detail", String.class)));
            return details;
        });
        assertTrue(plans.contains("claim: SEARCH dbmq_task USING COVERING INDEX dbmq_task_name_priority_due_ix"
                + " (task_name=? AND priority=? AND due_at<?)"), "plans: " + plans);
        assertEquals(4, plans.stream().filter(p -> p.startsWith("next due: SEARCH dbmq_task USING COVERING INDEX"
                + " dbmq_task_name_priority_due_ix (task_name=? AND priority=?)")).count(), "plans: " + plans);
        assertEquals(List.of(), plans.stream()
                .filter(p -> p.contains("SCAN dbmq_task") || p.contains("TEMP B-TREE")).toList(), "plans: " + plans);
    }

    /**
     * Cancelling, removing a schedule and looking up by key, as prepared statements with their bind values, read the
     * partial unique-key index (the predicate {@code unique_key IS NOT NULL} follows from {@code unique_key = ?} and
     * from the range); the look for schedules a foreman does not register is one range of it, in its order.
     */
    @Test
    void statements_by_key_read_the_unique_key_index_and_never_scan_the_queue() {
        for (int i = 0; i < 30; i++) {
            insert(backend(), A, i, i);
        }
        InsertContract.insertKeys(backend(), List.of("digest:1"));
        storage().database().transaction(dsl -> {
            for (String key : List.of("dbmq:recurring:beat", "dbmq:recurring:other")) {
                TaskStore.insertInstance(dsl, A, "{}", 1, 60_000, 1, key, "every PT1M", null);
            }
            return null;
        });
        List<String> statements = new ArrayList<>();
        List<Object[]> binds = new ArrayList<>();
        List<String> plans = storage().database().transaction(dsl -> {
            DSLContext recording = dsl.configuration().derive(new DefaultExecuteListenerProvider(new ExecuteListener() {
                @Override
                public void renderEnd(ExecuteContext ctx) {
                    statements.add(ctx.sql());
                    binds.add(ctx.query().getBindValues().toArray());
                }
            })).dsl();
            assertEquals("digest:1", TaskStore.findPendingByKey(recording, "digest:1").uniqueKey());
            assertEquals(1, TaskStore.instancesOtherThan(storage(), recording, "dbmq:recurring:", List.of(A),
                    java.util.Set.of("dbmq:recurring:other"), 11).size());
            assertTrue(TaskStore.cancelByKey(recording, "digest:1"));
            assertTrue(TaskStore.unschedule(recording, "dbmq:recurring:beat"));
            List<String> details = new ArrayList<>();
            for (int i = 0; i < statements.size(); i++) {
                dsl.fetch("EXPLAIN QUERY PLAN " + statements.get(i), binds.get(i))
                        .forEach(r -> details.add(r.get("detail", String.class)));
            }
            return details;
        });
        assertEquals(4, statements.size(), "statements recorded: " + statements);
        assertEquals(4, plans.stream().filter(p -> p.contains("USING INDEX dbmq_task_unique_key_ux")).count(),
                "plans: " + plans);
        assertEquals(List.of(), plans.stream()
                .filter(p -> p.startsWith("SCAN") || p.contains("TEMP B-TREE")).toList(), "plans: " + plans);
    }

    /**
     * The look for tasks without a handler and each batch that keeps them as failed seek ranges of the name index: a
     * backlog of the handled names costs them nothing. (Before, each batch scanned and sorted the whole queue.)
     */
    @Test
    void the_look_and_the_sweep_for_tasks_without_a_handler_never_scan_the_queue() {
        for (int i = 0; i < 30; i++) {
            insert(backend(), i % 3 == 0 ? A : i % 3 == 1 ? B : C, i, i);
        }
        List<String> statements = new ArrayList<>();
        List<String> plans = storage().database().transaction(dsl -> {
            DSLContext recording = dsl.configuration()
                    .derive(Database.jooqSettings().withStatementType(StatementType.STATIC_STATEMENT))
                    .derive(new DefaultExecuteListenerProvider(new ExecuteListener() {
                        @Override
                        public void renderEnd(ExecuteContext ctx) {
                            statements.add(ctx.sql());
                        }
                    })).dsl();
            assertEquals(2, TaskStore.pendingOtherThan(recording, List.of(A), 100).size());
            assertEquals(10, TaskStore.takeUnhandled(storage().claimForm(), recording, B, Long.MAX_VALUE, 100).size());
            List<String> details = new ArrayList<>();
            for (String sql : statements) {
                dsl.fetch("EXPLAIN QUERY PLAN " + sql).forEach(r -> details.add(r.get("detail", String.class)));
            }
            return details;
        });
        assertTrue(statements.size() >= 4, "statements recorded: " + statements);
        assertEquals(List.of(), plans.stream()
                .filter(p -> p.startsWith("SCAN") || p.contains("TEMP B-TREE")).toList(), "plans: " + plans);
    }

    /**
     * A limitBy type's claim reads its keys through the partial key index, as prepared statements with their bind
     * values: the next key after another is one seek, a key's first due task a range of that key, its rows locked or
     * not; a key's backlog is never read through, nor the queue scanned or sorted.
     */
    @Test
    void the_walk_of_a_keyed_types_keys_seeks_the_key_index_and_never_scans_the_queue() {
        storage().database().transaction(dsl -> {
            for (int i = 0; i < 30; i++) {
                TaskStore.insertLimited(dsl, A, "{}", null, i, i, i % 4, null, i % 3 == 0 ? "a" : "b");
                TaskStore.insert(dsl, A, "{}", null, i, i, 1);
            }
            return null;
        });
        List<String> statements = new ArrayList<>();
        List<Object[]> binds = new ArrayList<>();
        List<String> plans = storage().database().transaction(dsl -> {
            DSLContext recording = dsl.configuration().derive(new DefaultExecuteListenerProvider(new ExecuteListener() {
                @Override
                public void renderEnd(ExecuteContext ctx) {
                    statements.add(ctx.sql());
                    binds.add(ctx.query().getBindValues().toArray());
                }
            })).dsl();
            assertEquals("a", dev.dbmq.internal.LimitKeyStore.nextKey(recording, A, null, null));
            assertEquals("b", dev.dbmq.internal.LimitKeyStore.nextKey(recording, A, "a", "b"));
            assertEquals("b", dev.dbmq.internal.LimitKeyStore.firstDue(storage().claimForm(), recording, A, "b", 100,
                    List.of(1L)).limitKey());
            assertEquals(2, dev.dbmq.internal.LimitKeyStore.take(recording, List.of(1L, 2L)).size());
            List<String> details = new ArrayList<>();
            for (int i = 0; i < statements.size(); i++) {
                dsl.fetch("EXPLAIN QUERY PLAN " + statements.get(i), binds.get(i))
                        .forEach(r -> details.add(r.get("detail", String.class)));
            }
            return details;
        });
        assertEquals(4, statements.size(), "statements recorded: " + statements);
        assertEquals(3, plans.stream().filter(p -> p.contains("USING COVERING INDEX dbmq_task_limit_key_ix")
                || p.contains("USING INDEX dbmq_task_limit_key_ix")).count(), "plans: " + plans);
        assertEquals(List.of(), plans.stream()
                .filter(p -> p.startsWith("SCAN") || p.contains("TEMP B-TREE")).toList(), "plans: " + plans);
    }
}
