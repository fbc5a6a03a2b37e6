package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a {@link Backend} must do, whatever the database: one suite run against every backend (River's
 * {@code riverdrivertest}), {@link SqliteBackendTest} and {@link PostgresBackendTest}. A third database passes it by
 * adding a subclass that implements the hooks below.
 *
 * <p>Each test opens backends on a new, empty database; several backends on the same database stand for several
 * processes. Waits are on latches with a timeout, never on sleeps; wakeup sources recheck only every hour, so no test
 * can pass thanks to the backstop.
 */
abstract class BackendContract {

    /** A wakeup source's own recheck: far beyond any timeout here, so only a real wakeup passes. */
    static final Duration NO_RECHECK = Duration.ofHours(1);
    static final long TIMEOUT_SECONDS = 20;
    static final String A = "contract_a";
    static final String B = "contract_b";
    static final String C = "contract_c";

    /** Everything a test opened, closed last-opened first in {@link #closeAll()}. */
    final List<AutoCloseable> toClose = new ArrayList<>();
    Backend backend;

    // ---- hooks ------------------------------------------------------------------------------------------------

    /** A backend on a new, empty database ({@code Backend.open}); the test closes it. */
    abstract Backend openFresh() throws Exception;

    /** Another backend on the database {@link #openFresh} made, as another process (or queue) would open it. */
    abstract Backend openSame() throws Exception;

    /** A backend on a database other than {@link #openFresh}'s, with its own queue tables. */
    abstract Backend openOther() throws Exception;

    /** Whether the backend admits several foremen on one database at once. */
    abstract boolean admitsSeveralForemen();

    /** Whether a started wakeup source wakes its target once as soon as it listens (for what it may have missed). */
    abstract boolean wakesOnceListening();

    /** What {@link Backend#describe()} must name: the file, or the schema. */
    abstract String describedAs();

    /**
     * An application's own connection to the database of {@link #openFresh}, autocommit off, as a jOOQ context of
     * that database's dialect whose unqualified table names reach the queue's tables.
     */
    abstract CallerTx openCallerTx() throws Exception;

    /** The same, on the database of {@link #openOther} (whose queue tables a misplaced insert would reach). */
    abstract CallerTx openCallerTxOnOther() throws Exception;

    /** An application's transaction on its own connection; {@link #close()} closes the connection. */
    interface CallerTx extends AutoCloseable {
        DSLContext dsl();

        void commit() throws Exception;

        void rollback() throws Exception;

        void autocommit(boolean on) throws Exception;

        /** Tasks in the queue table this connection sees, counted on it (after {@link #commit()}). */
        default long pending() {
            return dsl().fetchCount(DSL.table(DSL.name("dbmq_task")));
        }

        /**
         * The application's own connection {@code c}, now out of autocommit; closing rolls back what is open, runs
         * {@code reset} (undo the subclass's session set-up), then closes it.
         */
        static CallerTx over(java.sql.Connection c, org.jooq.SQLDialect dialect, ConnectionReset reset)
                throws java.sql.SQLException {
            c.setAutoCommit(false);
            DSLContext dsl = DSL.using(c, dialect);
            return new CallerTx() {
                @Override
                public DSLContext dsl() {
                    return dsl;
                }

                @Override
                public void commit() throws Exception {
                    c.commit();
                }

                @Override
                public void rollback() throws Exception {
                    c.rollback();
                }

                @Override
                public void autocommit(boolean on) throws Exception {
                    c.setAutoCommit(on);
                }

                @Override
                public void close() throws Exception {
                    try {
                        if (!c.getAutoCommit()) {
                            c.rollback();
                        }
                        reset.reset(c);
                    } finally {
                        c.close();
                    }
                }
            };
        }
    }

    /** Undoes a caller connection's session set-up before it goes back to its pool. */
    interface ConnectionReset {
        void reset(java.sql.Connection c) throws Exception;
    }

    // ---- set-up -----------------------------------------------------------------------------------------------

    @BeforeEach
    void openBackend() throws Exception {
        backend = closing(openFresh());
    }

    @AfterEach
    void closeAll() throws Exception {
        Exception first = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        toClose.clear();
        if (first != null) {
            throw first;
        }
    }

    <T extends AutoCloseable> T closing(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static String arg(int n) {
        return "{\"n\":" + n + "}";
    }

    static List<String> args(int count) {
        return IntStream.range(0, count).mapToObj(BackendContract::arg).toList();
    }

    static long insert(Backend b, String name, int n, long createdAt) {
        return b.database().autocommit(dsl -> b.insert(dsl, name, arg(n), null, createdAt, createdAt));
    }

    static List<TaskStore.Row> claim(Backend b, int limit, List<String> names) {
        return b.database().transaction(dsl -> TaskStore.claim(b, dsl, limit, names, Long.MAX_VALUE));
    }

    static long pending(Backend b) {
        return b.database().autocommit(TaskStore::pending);
    }

    static List<Long> ids(List<TaskStore.Row> rows) {
        return rows.stream().map(TaskStore.Row::id).toList();
    }

    static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "timed out after " + TIMEOUT_SECONDS + " s: " + what);
    }

    /** A wake target that counts its wakes; {@link #awaitMoreThan} waits for a wake beyond a count. */
    static final class CountingTarget implements WakeTarget {
        private final Object monitor = new Object();
        private int wakes; // guarded by monitor

        @Override
        public void wake() {
            synchronized (monitor) {
                wakes++;
                monitor.notifyAll();
            }
        }

        int wakes() {
            synchronized (monitor) {
                return wakes;
            }
        }

        void awaitMoreThan(int count, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            synchronized (monitor) {
                while (wakes <= count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail("timed out after " + TIMEOUT_SECONDS + " s waiting for a wake: " + what);
                    }
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
            }
        }
    }

    /**
     * Starts b's wakeup source on {@code target} and waits until it listens: for a backend that
     * {@link #wakesOnceListening}, its first wake; nothing was committed before, so no later wake is stale.
     */
    WakeupSource listening(Backend b, CountingTarget target) throws InterruptedException {
        AtomicReference<Foreman.State> state = new AtomicReference<>(Foreman.State.RUNNING);
        AtomicBoolean stopping = new AtomicBoolean();
        ForemanThreads threads = new ForemanThreads("contract", stopping::get,
                GuardedListener.of(new ForemanListener() { }), state);
        WakeupSource source = b.wakeupSource(target, NO_RECHECK, "contract", threads);
        toClose.add(() -> {
            stopping.set(true);
            source.close();
            assertEquals(Foreman.State.RUNNING, state.get(), "the wakeup source's thread died");
        });
        source.start();
        if (wakesOnceListening()) {
            target.awaitMoreThan(0, "the wakeup source to listen");
        }
        return source;
    }

    // ---- 1. insert ----------------------------------------------------------------------------------------------

    @Test
    void insert_returns_the_new_id_and_successive_ids_increase() {
        long first = insert(backend, A, 1, 1_000);
        long second = insert(backend, B, 2, 2_000);
        long third = backend.database().transaction(dsl -> backend.insert(dsl, A, arg(3), null, 3_000, 3_000));
        assertTrue(first < second && second < third, "ids " + first + ", " + second + ", " + third);
        assertEquals(3, pending(backend));
        QueueStats stats = backend.database().autocommit(dsl -> TaskStore.stats(dsl, 4_000));
        assertEquals(3, stats.pending());
        assertEquals(Map.of(A, 2L, B, 1L), stats.pendingByName());
        assertEquals(Duration.ofSeconds(3), stats.oldestTaskAge());
        assertEquals(List.of(first, second, third), ids(claim(backend, 10, null)));
    }

    // ---- 2. insertAll -------------------------------------------------------------------------------------------

    @Test
    void insertAll_returns_one_ascending_id_per_arg_in_order_and_stores_each_arg() {
        long last = insert(backend, A, -1, 0);
        claim(backend, 1, null);
        // 150: past SQLite's prepared 100-row statement; 2500: past TaskStore.INSERT_CHUNK
        for (int size : new int[] {1, 99, 100, 101, 150, TaskStore.INSERT_CHUNK, TaskStore.INSERT_CHUNK + 1, 2500}) {
            List<String> args = args(size);
            long createdAt = 10_000 + size;
            List<Long> ids = backend.database().transaction(dsl -> backend.insertAll(dsl, B, args, null, createdAt, createdAt));
            assertEquals(size, ids.size(), "ids for " + size + " args");
            for (int i = 0; i < size; i++) {
                long previous = i == 0 ? last : ids.get(i - 1);
                assertTrue(ids.get(i) > previous, "size " + size + ": id " + ids.get(i) + " at " + i
                        + " after " + previous);
            }
            last = ids.get(size - 1);
            assertEquals(size, pending(backend), "pending after inserting " + size);
            List<TaskStore.Row> rows = claim(backend, size + 10, null);
            assertEquals(ids, ids(rows), "size " + size + ": claimed ids");
            for (int i = 0; i < size; i++) {
                TaskStore.Row row = rows.get(i);
                assertEquals(args.get(i), row.args(), "size " + size + ": args of the task at " + i);
                assertEquals(B, row.taskName());
                assertEquals(createdAt, row.createdAt());
            }
        }
        assertEquals(List.of(), backend.database().transaction(dsl -> backend.insertAll(dsl, B, List.of(), null, 0, 0)));
    }

    // ---- 3. claim -----------------------------------------------------------------------------------------------

    @Test
    void claim_takes_the_oldest_first_at_most_limit_and_deletes_them() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(insert(backend, A, i, 100 + i));
        }
        List<TaskStore.Row> first = claim(backend, 3, null);
        assertEquals(ids.subList(0, 3), ids(first));
        assertEquals(new TaskStore.Row(ids.get(0), A, arg(0), 100, 100, 1, null, null, null), first.get(0));
        assertEquals(7, pending(backend));
        assertEquals(ids.subList(3, 7), ids(claim(backend, 4, List.of(A))));
        assertEquals(ids.subList(7, 10), ids(claim(backend, 100, null)));
        assertEquals(0, pending(backend));
        assertEquals(List.of(), claim(backend, 5, null), "a claim on an empty queue");
        assertEquals(List.of(), claim(backend, 5, List.of(A)), "a claim of one name on an empty queue");
        assertEquals(List.of(), claim(backend, 5, List.of(A, B)), "a claim of names on an empty queue");
    }

    @Test
    void claim_respects_names_when_other_names_tasks_are_older_and_interleaved() {
        // b b a c b a b c a b …: the other names' tasks come first and between
        String[] pattern = {B, B, A, C, B, A, B, C, A, B};
        List<TaskStore.Row> inserted = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < pattern.length; i++) {
                int n = round * pattern.length + i;
                inserted.add(new TaskStore.Row(insert(backend, pattern[i], n, n), pattern[i], arg(n), n, n, 1, null, null, null));
            }
        }
        List<TaskStore.Row> left = new ArrayList<>(inserted);

        List<TaskStore.Row> oneName = claim(backend, 2, List.of(A));
        assertEquals(oldest(left, 2, Set.of(A)), oneName);
        left.removeAll(oneName);

        List<TaskStore.Row> twoNames = claim(backend, 5, List.of(C, A)); // not in id order of their tasks
        assertEquals(oldest(left, 5, Set.of(A, C)), twoNames);
        left.removeAll(twoNames);

        List<TaskStore.Row> withMissing = claim(backend, 3, List.of("contract_none", C));
        assertEquals(oldest(left, 3, Set.of(C)), withMissing);
        left.removeAll(withMissing);

        List<TaskStore.Row> any = claim(backend, 4, null);
        assertEquals(oldest(left, 4, Set.of(A, B, C)), any);
        left.removeAll(any);

        assertEquals(List.of(), claim(backend, 5, List.of("contract_none")));
        assertEquals(left.size(), pending(backend));
        List<TaskStore.Row> rest = claim(backend, 1000, List.of(A, B, C));
        assertEquals(left, rest);
        assertEquals(0, pending(backend));
    }

    private static List<TaskStore.Row> oldest(List<TaskStore.Row> rows, int limit, Set<String> names) {
        return rows.stream().filter(r -> names.contains(r.taskName())).limit(limit).toList();
    }

    @Test
    void backend_claim_never_returns_more_than_limit() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            all.add(i % 3 == 0 ? A : i % 3 == 1 ? B : C);
        }
        backend.database().transaction(dsl -> {
            for (int i = 0; i < all.size(); i++) {
                backend.insert(dsl, all.get(i), arg(i), null, i, i);
            }
            return null;
        });
        for (List<String> names : java.util.Arrays.asList(null, List.of(A), List.of(A, B), List.of(C, B, A))) {
            for (int limit : new int[] {1, 2, 5}) {
                List<TaskStore.Row> rows = backend.database().transaction(dsl -> backend.claim(dsl, limit, names, Long.MAX_VALUE));
                assertTrue(rows.size() <= limit, "backend.claim(limit " + limit + ", names " + names + ") returned "
                        + rows.size() + " rows");
                assertEquals(limit, rows.size(), "enough tasks are pending for a full claim, names " + names);
                Set<String> allowed = names == null ? Set.of(A, B, C) : Set.copyOf(names);
                assertTrue(rows.stream().allMatch(r -> allowed.contains(r.taskName())), "names " + names + ": " + rows);
            }
        }
    }

    // ---- 4. concurrent claims -----------------------------------------------------------------------------------

    @Test
    void concurrent_claims_from_two_backends_never_share_a_task() throws Exception {
        List<Long> inserted = backend.database().transaction(dsl -> backend.insertAll(dsl, A, args(2000), null, 1, 1));
        Backend[] claimers = {closing(openSame()), closing(openSame())};
        CountDownLatch ready = new CountDownLatch(claimers.length);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(claimers.length);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (Backend claimer : claimers) {
                Callable<List<Long>> claiming = () -> {
                    ready.countDown();
                    assertTrue(go.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    List<Long> mine = new ArrayList<>();
                    for (int round = 0; ; round++) {
                        int limit = 1 + round % 7;
                        List<TaskStore.Row> rows = claim(claimer, limit, round % 2 == 0 ? null : List.of(A));
                        if (rows.isEmpty()) {
                            return mine;
                        }
                        mine.addAll(ids(rows));
                    }
                };
                results.add(pool.submit(claiming));
            }
            await(ready, "both claimers ready");
            go.countDown();
            List<Long> union = new ArrayList<>();
            for (Future<List<Long>> r : results) {
                union.addAll(r.get(60, TimeUnit.SECONDS));
            }
            Set<Long> distinct = new HashSet<>(union);
            assertEquals(union.size(), distinct.size(), "a task was claimed twice: "
                    + union.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting())).entrySet()
                    .stream().filter(e -> e.getValue() > 1).limit(10).toList());
            assertEquals(new HashSet<>(inserted), distinct, "the claimed ids are the inserted ones");
            assertEquals(0, pending(backend));
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- 5. takeUnhandled ---------------------------------------------------------------------------------------

    @Test
    void takeUnhandled_takes_only_other_names_older_than_the_cutoff_at_most_limit() {
        List<TaskStore.Row> inserted = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String name = i % 3 == 0 ? A : i % 3 == 1 ? B : C;
            long createdAt = 1_000 + (i % 2 == 0 ? i : 100 + i); // odd ones are new
            inserted.add(new TaskStore.Row(insert(backend, name, i, createdAt), name, arg(i), createdAt, createdAt, 1, null, null, null));
        }
        long cutoff = 1_050;
        List<TaskStore.Row> unhandled = inserted.stream()
                .filter(r -> !r.taskName().equals(A) && r.createdAt() < cutoff).toList();
        List<TaskStore.Row> first = backend.database().transaction(dsl ->
                TaskStore.takeUnhandled(backend.claimForm(), dsl, List.of(A), cutoff, 3));
        assertEquals(unhandled.subList(0, 3), first);
        List<TaskStore.Row> rest = backend.database().transaction(dsl ->
                TaskStore.takeUnhandled(backend.claimForm(), dsl, List.of(A), cutoff, 1000));
        assertEquals(unhandled.subList(3, unhandled.size()), rest);
        assertEquals(List.of(), backend.database().transaction(dsl ->
                TaskStore.takeUnhandled(backend.claimForm(), dsl, List.of(A), cutoff, 1000)));
        assertEquals(inserted.size() - unhandled.size(), pending(backend));
        List<TaskStore.Row> twoNames = backend.database().transaction(dsl ->
                TaskStore.takeUnhandled(backend.claimForm(), dsl, List.of(A, B), Long.MAX_VALUE, 1000));
        assertTrue(!twoNames.isEmpty() && twoNames.stream().allMatch(r -> r.taskName().equals(C)), "" + twoNames);
    }

    // ---- 6. insertInCallerTransaction ---------------------------------------------------------------------------

    @Test
    void a_caller_transaction_that_commits_leaves_the_task_and_wakes_a_foreman() throws Exception {
        CountingTarget foreman = new CountingTarget();
        listening(closing(openSame()), foreman);
        CountDownLatch woken = new CountDownLatch(1);
        AtomicInteger wakeAtCommitRuns = new AtomicInteger();
        int wakesBefore = foreman.wakes();
        Thread watcher = new Thread(() -> {
            try {
                foreman.awaitMoreThan(wakesBefore, "the wakeup source");
                woken.countDown();
            } catch (Throwable ignored) {
                // the latch's timeout reports it
            }
        }, "contract-wake-watcher");
        watcher.setDaemon(true);
        watcher.start();
        long id;
        try (CallerTx tx = openCallerTx()) {
            id = backend.insertInCallerTransaction(tx.dsl(), A, arg(1), null, 5, 5, null, () -> {
                wakeAtCommitRuns.incrementAndGet();
                woken.countDown();
            });
            assertEquals(0, wakeAtCommitRuns.get(), "wakeAtCommit ran before the commit");
            assertEquals(0, pending(backend), "the task is visible before the caller commits");
            tx.commit();
        }
        await(woken, "after the caller's commit, wakeAtCommit to run or a foreman's wakeup source to fire");
        assertTrue(wakeAtCommitRuns.get() <= 1, "wakeAtCommit ran " + wakeAtCommitRuns.get() + " times");
        assertEquals(List.of(new TaskStore.Row(id, A, arg(1), 5, 5, 1, null, null, null)), claim(backend, 10, null));
    }

    @Test
    void a_caller_transaction_that_rolls_back_leaves_no_task_and_wakes_nobody() throws Exception {
        AtomicInteger wakeAtCommitRuns = new AtomicInteger();
        try (CallerTx tx = openCallerTx()) {
            tx.dsl().execute("CREATE TABLE app_note (n INTEGER)");
            tx.commit();
            backend.insertInCallerTransaction(tx.dsl(), A, arg(1), null, 5, 5, null, wakeAtCommitRuns::incrementAndGet);
            tx.rollback();
            assertEquals(0, pending(backend));
            assertEquals(0, wakeAtCommitRuns.get(), "wakeAtCommit ran for a rolled-back transaction");
            // the connection's next commit is not the enqueue's
            tx.dsl().execute("INSERT INTO app_note (n) VALUES (1)");
            tx.commit();
            assertEquals(0, wakeAtCommitRuns.get(), "wakeAtCommit ran at a later commit of another transaction");
            tx.dsl().execute("DROP TABLE app_note");
            tx.commit();
        }
        assertEquals(0, pending(backend));
    }

    @Test
    void a_caller_context_in_autocommit_mode_commits_the_task_at_once() throws Exception {
        CountDownLatch woken = new CountDownLatch(1);
        CountingTarget foreman = new CountingTarget();
        listening(closing(openSame()), foreman);
        int wakesBefore = foreman.wakes();
        try (CallerTx tx = openCallerTx()) {
            tx.autocommit(true);
            backend.insertInCallerTransaction(tx.dsl(), A, arg(1), null, 5, 5, null, woken::countDown);
        }
        assertEquals(1, pending(backend));
        if (woken.getCount() > 0) {
            foreman.awaitMoreThan(wakesBefore, "an autocommitted caller insert to wake a foreman");
        }
    }

    @Test
    void a_caller_context_on_another_database_is_refused_and_writes_nothing() throws Exception {
        closing(openOther());
        AtomicInteger wakeAtCommitRuns = new AtomicInteger();
        Runnable wakeAtCommit = wakeAtCommitRuns::incrementAndGet;
        try (CallerTx other = openCallerTxOnOther()) {
            assertThrows(IllegalArgumentException.class,
                    () -> backend.insertInCallerTransaction(other.dsl(), A, arg(1), null, 5, 5, null, wakeAtCommit));
            other.commit(); // the application goes on with its transaction
            other.autocommit(true);
            IllegalArgumentException autocommit = assertThrows(IllegalArgumentException.class,
                    () -> backend.insertInCallerTransaction(other.dsl(), A, arg(2), null, 5, 5, null, wakeAtCommit));
            assertTrue(autocommit.getMessage() != null && !autocommit.getMessage().isBlank());
            assertEquals(0, other.pending(), "tasks written to the other database");
        }
        assertEquals(0, pending(backend));
        assertEquals(0, wakeAtCommitRuns.get());
    }

    @Test
    void a_caller_context_of_another_dialect_is_refused_and_writes_nothing() throws Exception {
        try (CallerTx tx = openCallerTx()) {
            SQLDialect own = tx.dsl().dialect().family();
            for (SQLDialect dialect : List.of(SQLDialect.SQLITE, SQLDialect.POSTGRES, SQLDialect.MYSQL,
                    SQLDialect.H2)) {
                if (dialect == own) {
                    continue;
                }
                DSLContext wrong = tx.dsl().configuration().derive(dialect).dsl();
                assertThrows(IllegalArgumentException.class,
                        () -> backend.insertInCallerTransaction(wrong, A, arg(1), null, 5, 5, null, () -> { }),
                        "a " + dialect + " context");
            }
            tx.commit();
            assertEquals(0, tx.pending());
        }
        assertEquals(0, pending(backend));
    }

    // ---- 7. wakeOtherProcesses and the wakeup source ------------------------------------------------------------

    @Test
    void a_wakeup_source_is_woken_when_another_backend_commits_and_wakes_other_processes() throws Exception {
        CountingTarget foreman = new CountingTarget();
        listening(backend, foreman);
        Backend producer = closing(openSame());
        for (int round = 0; round < 3; round++) {
            int before = foreman.wakes();
            insert(producer, A, round, round);
            producer.wakeOtherProcesses();
            foreman.awaitMoreThan(before, "round " + round + ": a commit and wakeOtherProcesses of another backend");
        }
        assertEquals(3, pending(backend));
    }

    @Test
    void wakeOtherProcesses_without_a_wakeup_source_is_harmless() {
        Backend producer = backend;
        for (int i = 0; i < 3; i++) {
            insert(producer, A, i, i);
            producer.wakeOtherProcesses();
        }
        assertEquals(3, pending(backend));
    }

    // ---- 8. exclusivity -----------------------------------------------------------------------------------------

    @Test
    void exclusivity_admits_one_foreman_or_several_as_the_backend_says() throws Exception {
        Backend second = closing(openSame());
        Backend.Exclusivity first = backend.exclusivity("contract-foreman-1");
        try {
            if (admitsSeveralForemen()) {
                second.exclusivity("contract-foreman-2").close();
                backend.exclusivity("contract-foreman-3").close();
            } else {
                DbmqException refused = assertThrows(DbmqException.class,
                        () -> second.exclusivity("contract-foreman-2"));
                String message = String.valueOf(refused.getMessage());
                assertTrue(message.contains("contract-foreman-1") || message.contains("a foreman is already running"),
                        "the refusal names the holder or says a foreman is running: " + message);
                assertThrows(DbmqException.class, () -> backend.exclusivity("contract-foreman-3"),
                        "a second foreman through the same backend");
            }
        } finally {
            first.close();
            first.close(); // idempotent
        }
        Backend.Exclusivity next = second.exclusivity("contract-foreman-2");
        next.close();
        next.close();
        backend.exclusivity("contract-foreman-4").close();
    }

    // ---- 9. key and descriptions --------------------------------------------------------------------------------

    @Test
    void key_is_equal_on_the_same_database_and_different_on_another() throws Exception {
        Backend same = closing(openSame());
        Backend other = closing(openOther());
        assertEquals(backend.key(), same.key());
        assertNotEquals(backend.key(), other.key());
    }

    @Test
    void descriptions_are_not_empty_and_describe_names_where_the_queue_is() {
        for (String d : List.of(backend.describe(), backend.describeWakeups(), backend.describeOpened())) {
            assertFalse(d == null || d.isBlank(), "a description is empty");
        }
        assertTrue(backend.describe().contains(describedAs()), backend.describe() + " names " + describedAs());
        assertTrue(backend.describeOpened().contains(describedAs()),
                backend.describeOpened() + " names " + describedAs());
        assertTrue(backend.settings() != null);
    }

    // ---- 10. due times, keys, cancel (issue #12) ----------------------------------------------------------------

    static long insertDue(Backend b, String name, int n, long dueAt) {
        return b.database().autocommit(dsl -> b.insert(dsl, name, arg(n), null, 1, dueAt));
    }

    static List<TaskStore.Row> claimAt(Backend b, int limit, List<String> names, long nowMillis) {
        return b.database().transaction(dsl -> TaskStore.claim(b, dsl, limit, names, nowMillis));
    }

    @Test
    void claim_takes_due_tasks_only_oldest_due_first_across_names() {
        long a300 = insertDue(backend, A, 1, 300);
        long b100 = insertDue(backend, B, 2, 100);
        long a200 = insertDue(backend, A, 3, 200);
        long b900 = insertDue(backend, B, 4, 900);
        long c50 = insertDue(backend, C, 5, 50);
        assertEquals(List.of(), ids(claimAt(backend, 10, List.of(A, B), 99)), "nothing of A, B due at 99");
        assertEquals(List.of(b100, a200), ids(claimAt(backend, 2, List.of(A, B), 1_000)), "due order, limit 2");
        assertEquals(List.of(a300), ids(claimAt(backend, 10, List.of(A), 300)), "due at its due time");
        assertEquals(List.of(c50), ids(claimAt(backend, 10, null, 800)), "any name, due by 800");
        assertEquals(List.of(b900), ids(claimAt(backend, 10, List.of(B), 900)));
        assertEquals(0, pending(backend));
    }

    @Test
    void the_same_due_time_claims_in_id_order_and_a_batch_shares_one_due_time() {
        List<Long> ids = backend.database().transaction(dsl -> backend.insertAll(dsl, A, args(150), null, 1, 500));
        assertEquals(List.of(), claimAt(backend, 200, List.of(A), 499));
        List<TaskStore.Row> rows = claimAt(backend, 200, List.of(A), 500);
        assertEquals(ids, ids(rows));
        assertTrue(rows.stream().allMatch(r -> r.dueAt() == 500 && r.attempt() == 1 && r.uniqueKey() == null));
    }

    @Test
    void nextDueAt_is_the_earliest_due_time_of_the_names_or_null() {
        assertEquals(null, nextDue(List.of(A, B)));
        insertDue(backend, A, 1, 700);
        insertDue(backend, B, 2, 400);
        insertDue(backend, C, 3, 100);
        assertEquals(Long.valueOf(400), nextDue(List.of(A, B)));
        assertEquals(Long.valueOf(700), nextDue(List.of(A)));
        assertEquals(null, nextDue(List.of("none")));
    }

    @Test
    void a_key_admits_one_pending_task_and_is_free_once_it_is_claimed() {
        TaskStore.Keyed first = backend.database().transaction(dsl ->
                TaskStore.insertKeyed(dsl, A, arg(1), null, 1, 10, "k"));
        TaskStore.Keyed second = backend.database().transaction(dsl ->
                TaskStore.insertKeyed(dsl, B, arg(2), null, 2, 20, "k"));
        assertTrue(first.written());
        assertEquals(new TaskStore.Keyed(first.id(), false), second, "the holder's id, nothing written");
        assertEquals(List.of(new TaskStore.Row(first.id(), A, arg(1), 1, 10, 1, "k", null, null)),
                claimAt(backend, 10, null, 100));
        TaskStore.Keyed third = backend.database().transaction(dsl ->
                TaskStore.insertKeyed(dsl, A, arg(3), null, 3, 30, "k"));
        assertTrue(third.written() && third.id() > first.id(), "free again once claimed: " + third);
    }

    @Test
    void a_caller_transaction_enqueue_with_a_key_writes_one_row() throws Exception {
        long holder;
        try (CallerTx tx = openCallerTx()) {
            holder = backend.insertInCallerTransaction(tx.dsl(), A, arg(1), null, 5, 5, "caller-key", () -> { });
            assertEquals(holder, backend.insertInCallerTransaction(tx.dsl(), A, arg(2), null, 5, 5, "caller-key",
                    () -> { }), "the same transaction sees its own holder");
            tx.commit();
        }
        assertEquals(holder, backend.database().transaction(dsl ->
                TaskStore.insertKeyed(dsl, A, arg(3), null, 6, 6, "caller-key")).id());
        assertEquals(1, pending(backend));
    }

    private boolean cancel(long id) {
        return backend.database().autocommit(dsl -> TaskStore.cancel(dsl, id));
    }

    private Long nextDue(List<String> names) {
        return backend.database().transaction(dsl -> backend.nextDueAt(dsl, names));
    }

    @Test
    void cancel_deletes_a_pending_task_once() {
        long id = insertDue(backend, A, 1, 10);
        assertTrue(cancel(id));
        assertFalse(cancel(id));
        assertEquals(0, pending(backend));
    }

    @Test
    void a_retry_keeps_the_id_and_enqueue_time_and_drops_the_key() {
        long id = backend.database().transaction(dsl -> TaskStore.insertKeyed(dsl, A, arg(1), null, 7, 8, "r")).id();
        TaskStore.Row claimed = claimAt(backend, 1, List.of(A), 100).get(0);
        backend.database().transaction(dsl -> {
            TaskStore.insertRetry(dsl, claimed, 500);
            return null;
        });
        assertEquals(List.of(new TaskStore.Row(id, A, arg(1), 7, 500, 2, null, null, null)),
                claimAt(backend, 1, List.of(A), 500));
    }

    /**
     * Metadata (V4) is stored by every way a task is written, returned by the claim, and kept by what re-writes a
     * claimed row: a retry, a put-back, the failed table and its requeue. Written through the SQLite fast paths
     * (prepared single and 100-row statements) and the portable ones alike.
     */
    @Test
    void metadata_is_stored_by_every_insert_and_kept_by_retries_put_backs_failures_and_requeues() throws Exception {
        String meta = TaskMetadata.encode(java.util.Map.of("traceparent", "00-abc-def-01"));
        long single = backend.database().autocommit(dsl -> backend.insert(dsl, A, arg(1), meta, 1, 1));
        long viaEnqueue = backend.enqueue(A, arg(2), meta, 2, 2, false);
        long keyed = backend.database().transaction(dsl -> TaskStore.insertKeyed(dsl, A, arg(3), meta, 3, 3, "m")).id();
        List<Long> many = backend.database().transaction(dsl -> backend.insertAll(dsl, A, args(101), meta, 4, 4));
        long inCaller;
        try (CallerTx tx = openCallerTx()) {
            inCaller = backend.insertInCallerTransaction(tx.dsl(), A, arg(5), meta, 5, 5, null, () -> { });
            tx.commit();
        }
        long without = backend.enqueue(A, arg(6), null, 6, 6, false);
        List<TaskStore.Row> claimed = claim(backend, 200, List.of(A));
        assertEquals(106, claimed.size());
        java.util.Map<Long, String> byId = new java.util.HashMap<>();
        claimed.forEach(r -> byId.put(r.id(), r.metadata()));
        for (long id : List.of(single, viaEnqueue, keyed, inCaller, many.get(0), many.get(100))) {
            assertEquals(meta, byId.get(id), "task " + id);
        }
        assertTrue(byId.containsKey(without) && byId.get(without) == null, "no metadata: NULL");

        TaskStore.Row row = claimed.get(0);
        backend.database().transaction(dsl -> {
            TaskStore.insertRetry(dsl, row, 10);
            return null;
        });
        TaskStore.Row retried = claim(backend, 1, List.of(A)).get(0);
        assertEquals(meta, retried.metadata(), "a retry keeps it");
        backend.database().transaction(dsl -> {
            TaskStore.putBack(dsl, List.of(retried));
            return null;
        });
        TaskStore.Row putBack = claim(backend, 1, List.of(A)).get(0);
        assertEquals(meta, putBack.metadata(), "a put-back keeps it");
        backend.database().transaction(dsl -> {
            TaskStore.keepFailed(dsl, putBack, 20, "boom");
            return null;
        });
        long requeued = backend.database().transaction(dsl -> TaskStore.requeue(dsl, putBack.id(), 30))
                .getAsLong();
        assertEquals(List.of(new TaskStore.Row(requeued, A, putBack.args(), 30, 30, 1, null, null, meta)),
                claim(backend, 10, List.of(A)), "a requeued failed task carries it again");
    }

    // ---- 11. close ----------------------------------------------------------------------------------------------

    @Test
    void close_is_idempotent_and_the_database_refuses_use_after_it() {
        insert(backend, A, 1, 1);
        backend.close();
        backend.close();
        assertRefused(() -> backend.database().autocommit(TaskStore::pending));
        assertRefused(() -> backend.database().transaction(TaskStore::pending));
        assertRefused(() -> backend.database().transactionBy(System.nanoTime() + 1_000_000_000L, TaskStore::pending));
        assertRefused(() -> insert(backend, A, 2, 2));
    }

    private static void assertRefused(Runnable use) {
        RuntimeException e = assertThrows(RuntimeException.class, use::run);
        assertTrue(e instanceof IllegalStateException || e instanceof DbmqException, "refused with " + e);
    }
}
