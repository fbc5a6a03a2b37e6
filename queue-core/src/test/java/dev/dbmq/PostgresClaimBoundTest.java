package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.TaskStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A claim of {@code n} deletes at most {@code n} rows on PostgreSQL whatever plan the planner picks.
 * The sessions here run with join and aggregation methods disabled, which is legal and makes PostgreSQL run
 * {@code DELETE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)} as a nested loop that rescans the subquery for
 * every row of the table: each rescan skips the rows this statement already deleted and locks the next n, so the
 * statement deletes the whole queue.
 */
@NeedsPostgres
class PostgresClaimBoundTest {

    /** All five are needed on PostgreSQL 15: with any one left on, the planner finds a plan that reads the subquery once. */
    static final String[] RESCANNING_PLANNER = {"enable_hashjoin=off", "enable_mergejoin=off", "enable_material=off",
            "enable_hashagg=off", "enable_sort=off"};
    static final int TASKS = 2000;
    /**
     * Only a hang guard: the test waits for the claims themselves, however long a busy machine makes them take (two
     * connections draining 2,000 rows under this planner took over 30 s with the other core busy).
     */
    static final Duration HANG_GUARD = Duration.ofMinutes(5);

    HikariDataSource pool;
    String schema;
    TaskQueue queue;
    List<Long> ids;

    @BeforeEach
    void fill() {
        pool = PostgresSupport.pool(4, PostgresSupport.database(), RESCANNING_PLANNER);
        schema = PostgresSupport.newSchema("dbmq_claim");
        queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build());
        ids = queue.enqueueAll(ECHO, IntStream.range(0, TASKS).mapToObj(Echo::new).toList());
    }

    @AfterEach
    void cleanUp() throws Exception {
        queue.close();
        try {
            PostgresSupport.dropSchema(pool, schema);
        } finally {
            pool.close();
        }
    }

    List<TaskStore.Row> claim(int limit) {
        return queue.database().transaction(dsl -> TaskStore.claim(queue.backend().storage(), dsl, limit, null,
                Long.MAX_VALUE));
    }

    /** The premise of this class: on this server, these settings really do give the naive statement that plan. */
    @Test
    void these_settings_make_the_naive_in_subquery_claim_delete_the_whole_queue() throws Exception {
        String naive = "DELETE FROM " + schema + ".dbmq_task WHERE id IN (SELECT id FROM " + schema + ".dbmq_task"
                + " ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED) RETURNING id";
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN (COSTS OFF) " + naive)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            String p = plan.toString();
            assertTrue(p.contains("Nested Loop Semi Join") && p.contains("Subquery Scan") && p.contains("LockRows")
                    && !p.contains("Materialize") && !p.contains("Hash"), p);
            c.setAutoCommit(false);
            int deleted = 0;
            try (ResultSet rs = st.executeQuery(naive)) {
                while (rs.next()) {
                    deleted++;
                }
            }
            c.rollback();
            assertEquals(TASKS, deleted, "rows deleted by a LIMIT 4 claim under\n" + p);
        }
    }

    @Test
    void a_claim_of_4_deletes_exactly_4_under_a_plan_that_rescans_the_subquery() {
        List<TaskStore.Row> claimed = claim(4);

        assertEquals(4, claimed.size(), "rows deleted by claim(4)");
        assertEquals(ids.subList(0, 4), claimed.stream().map(TaskStore.Row::id).toList());
        assertEquals(TASKS - 4, queue.pending());
        assertEquals(ids.subList(4, 8), claim(4).stream().map(TaskStore.Row::id).toList(), "the rest stay pending");
    }

    @Test
    void two_connections_claiming_at_once_never_share_a_row_and_each_claim_keeps_its_bound() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            // First a fixed interleaving: A holds its claim's locks while B claims.
            CountDownLatch aClaimed = new CountDownLatch(1);
            CountDownLatch bClaimed = new CountDownLatch(1);
            CompletableFuture<List<TaskStore.Row>> a = CompletableFuture.supplyAsync(() ->
                    queue.database().transaction(dsl -> {
                        List<TaskStore.Row> rows = TaskStore.claim(queue.backend().storage(), dsl, 4, null,
                                Long.MAX_VALUE);
                        aClaimed.countDown();
                        await(bClaimed);
                        return rows;
                    }));
            await(aClaimed);
            List<TaskStore.Row> b = claim(4); // skips A's locked rows: does not wait for A
            bClaimed.countDown();
            assertEquals(4, a.get().size(), "rows deleted by A's claim(4)");
            assertEquals(ids.subList(0, 4), ids(a.get()));
            assertEquals(ids.subList(4, 8), ids(b));

            // Then two connections race each other until the queue is empty.
            List<Long> all = Collections.synchronizedList(new ArrayList<>(ids(a.get())));
            all.addAll(ids(b));
            List<Integer> oversized = Collections.synchronizedList(new ArrayList<>());
            Runnable drain = () -> {
                List<TaskStore.Row> rows;
                do {
                    rows = claim(7);
                    if (rows.size() > 7) {
                        oversized.add(rows.size());
                    }
                    all.addAll(ids(rows));
                } while (!rows.isEmpty());
            };
            CompletableFuture<Void> first = CompletableFuture.runAsync(drain);
            CompletableFuture<Void> second = CompletableFuture.runAsync(drain);
            first.get();
            second.get();

            assertEquals(List.of(), oversized, "claims of at most 7 that returned more");
            assertEquals(TASKS, all.size(), "rows claimed (a row claimed twice counts twice)");
            assertEquals(new HashSet<>(ids), new HashSet<>(all));
            assertEquals(0, queue.pending());
        });
    }

    /**
     * Should a claim ever return more rows than asked for (here: a listener swaps in a statement that ignores its
     * limit), the claim throws and its transaction rolls back: every row is still queued.
     */
    @Test
    void a_claim_that_returns_more_rows_than_its_limit_throws_and_claims_nothing() {
        ExecuteListener ignoresTheLimit = new ExecuteListener() {
            @Override
            public void renderEnd(ExecuteContext ctx) {
                if (ctx.sql().contains("for update skip locked")) { // the claim; keeps its bind values, now and limit
                    ctx.sql("delete from \"" + schema + "\".\"dbmq_task\" where ?::bigint > 0 and ?::int > 0"
                            + " returning id, task_name, args, created_at, due_at, attempt, unique_key, schedule, metadata, priority,"
                            + " limit_key");
                }
            }
        };
        DbmqException e = assertThrows(DbmqException.class, () -> queue.database().transaction(dsl ->
                TaskStore.claim(queue.backend().storage(),
                        dsl.configuration().derive(new DefaultExecuteListenerProvider(ignoresTheLimit)).dsl(), 4,
                        null, Long.MAX_VALUE)));

        assertEquals("a claim of at most 4 tasks returned " + TASKS + " rows; rolled back, nothing claimed",
                e.getMessage());
        assertEquals(TASKS, queue.pending());
        assertEquals(ids.subList(0, 4), ids(claim(4)));
    }

    static List<Long> ids(List<TaskStore.Row> rows) {
        return rows.stream().map(TaskStore.Row::id).toList();
    }

    /** Waits for the other connection's step; the test's hang guard bounds it. */
    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
