package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.internal.TaskStore;
import dev.dbmq.testing.SettableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scheduling contract on PostgreSQL: a schema per test. */
@NeedsPostgres
class PostgresSchedulingTest extends SchedulingContract {

    static HikariDataSource pool;

    @BeforeAll
    static void connect() {
        pool = PostgresSupport.pool(24);
    }

    @AfterAll
    static void disconnect() {
        pool.close();
    }

    /**
     * Three foremen on one schema, one schedule every 100 ms, 30 ticks: every tick runs once. Each foreman is a queue
     * and foreman of its own, as on three hosts; they race for each instance (FOR UPDATE SKIP LOCKED) and the claim
     * that wins writes the next one. (The kill test runs them in separate processes.)
     */
    @Test
    void three_foremen_run_each_tick_of_one_schedule_exactly_once() throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_sched3");
        Map<Instant, Integer> runs = new ConcurrentHashMap<>();
        Map<String, Integer> byForeman = new ConcurrentHashMap<>();
        List<Foreman> foremen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TaskQueue queue = closing(TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build()));
            String name = "f" + i;
            foremen.add(closing(Foreman.builder(queue).stopOnShutdown(false).pollInterval(ForemanContract.NO_POLL)
                    .handle(TestTasks.ECHO, (a, ctx) -> {
                        runs.merge(ctx.scheduledAt(), 1, Integer::sum);
                        byForeman.merge(name, 1, Integer::sum);
                    })
                    .recurring("tick", Schedule.every(Duration.ofMillis(100)), TestTasks.ECHO, new TestTasks.Echo(0))
                    .start()));
        }
        new Recorder().await(() -> runs.size() >= 30, "30 ticks, saw " + runs.size());
        for (Foreman f : foremen) {
            f.close();
        }
        List<Instant> twice = runs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), twice, "ticks run more than once (runs by foreman: " + byForeman + ")");
        List<Instant> sorted = runs.keySet().stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertEquals(0, Duration.between(sorted.get(i - 1), sorted.get(i)).toMillis() % 100,
                    "on the 100 ms grid: " + sorted);
        }
    }

    /**
     * A foreman starting with a changed registration (schedule and args) while another, started with the first one,
     * claims the ticks of a fast schedule, 25 times: a claim may take the pending instance and write the next between
     * the start's read and its write. After each start the pending instance carries the new registration, the start
     * logged the change once, from what the instance carried before, and the first foreman, its own registration
     * unchanged, carries the new one forward once it is alone.
     */
    @Test
    void a_changed_registration_holds_while_another_foreman_claims_the_ticks() throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_sched_change");
        TaskQueue first = closing(TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build()));
        List<Integer> ranByFirst = new CopyOnWriteArrayList<>();
        Schedule every50 = Schedule.every(Duration.ofMillis(50));
        closing(Foreman.builder(first).stopOnShutdown(false).pollInterval(ForemanContract.NO_POLL)
                .handle(TestTasks.ECHO, a -> ranByFirst.add(a.n()))
                .recurring("tick", every50, TestTasks.ECHO, new TestTasks.Echo(0)).start());
        TaskQueue second = closing(TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build()));
        Recorder waits = new Recorder();
        String previous = every50.spec();
        for (int i = 1; i <= 25; i++) {
            Schedule schedule = Schedule.every(Duration.ofMillis(i % 2 == 0 ? 50 : 70));
            int n = i;
            int ranBefore = ranByFirst.size();
            waits.await(() -> ranByFirst.size() > ranBefore, "start " + i + ": the first foreman claims ticks");
            try (CapturedErr err = new CapturedErr();
                 Foreman changed = Foreman.builder(second).stopOnShutdown(false)
                         .pollInterval(ForemanContract.NO_POLL).handle(TestTasks.ECHO, a -> { })
                         .recurring("tick", schedule, TestTasks.ECHO, new TestTasks.Echo(i)).start()) {
                assertEquals(List.of(schedule.spec(), "{\"n\":" + i + "}"), pendingTick(second),
                        "start " + i + ": the pending instance carries the new registration");
                List<String> logged = err.lines("INFO dev.dbmq.RecurringTasks - Recurring tick:");
                assertEquals(1, logged.size(), "start " + i + ": one line for one change: " + logged);
                String change = " on " + schedule.spec() + " with new args (was echo on " + previous + ")";
                assertTrue(logged.get(0).contains(change),
                        "start " + i + ": the change from what the instance carried: " + logged);
            }
            waits.await(() -> ranByFirst.contains(n), "start " + i + ": the first foreman runs the new args");
            assertEquals(List.of(schedule.spec(), "{\"n\":" + i + "}"), pendingTick(second),
                    "start " + i + ": the first foreman carries the new registration forward");
            previous = schedule.spec();
        }
    }

    /**
     * unschedule while a claim holds the schedule's instance (its transaction has deleted it and written the next one,
     * not yet committed): the delete waits for the claim, then finds the row gone and can't see the next instance,
     * committed after the delete began. It must still remove that one: no tick may start after unschedule returns.
     */
    @Test
    void unschedule_waiting_for_a_claim_of_the_instance_removes_the_next_instance_that_claim_wrote() throws Exception {
        TaskQueue queue = steppedQueue();
        Schedule minute = Schedule.every(Duration.ofMinutes(1));
        Foreman.builder(queue).handle(TestTasks.ECHO, a -> { })
                .recurring("beat", minute, TestTasks.ECHO, new TestTasks.Echo(1)).startManual().close();
        long now = T0.plusSeconds(60).toEpochMilli();
        RecurringTasks recurring = new RecurringTasks();
        recurring.add("beat", minute, TestTasks.ECHO.name(), "{\"n\":1}", 1, null);
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        int[] claimPid = new int[1];
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // as Claimer.claim does: the claim and the next instance, in one transaction
            Future<Integer> claim = threads.submit(() -> queue.database().transaction(dsl -> {
                List<TaskStore.Row> rows = TaskStore.claim(queue.backend().storage(), dsl, 10,
                        List.of(TestTasks.ECHO.name()), now);
                rows.forEach(row -> recurring.writeNext(dsl, row, now));
                claimPid[0] = dsl.fetchSingle("SELECT pg_backend_pid()").get(0, Integer.class);
                claimed.countDown();
                try {
                    assertTrue(commit.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "told to commit");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return rows.size();
            }));
            assertTrue(claimed.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the claim holds the instance");
            Future<Boolean> unscheduled = threads.submit(() -> queue.unschedule("beat"));
            new Recorder().await(() -> blockedBy(claimPid[0]) > 0, "unschedule's delete to wait for the claim");
            commit.countDown();
            assertEquals(1, claim.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(unscheduled.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "it removed the next instance");
        } finally {
            commit.countDown();
            threads.shutdownNow();
        }
        assertEquals(Optional.empty(), queue.findPendingByKey("dbmq:recurring:beat"));
        assertEquals(0, queue.pending());
    }

    /** Sessions waiting for a lock that the session {@code pid} holds. */
    private static int blockedBy(int pid) {
        try (Connection c = pool.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))")) {
            st.setInt(1, pid);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The schedule and args of the pending instance of "tick". */
    private static List<String> pendingTick(TaskQueue queue) {
        return queue.database().autocommit(dsl -> dsl.select(DBMQ_TASK.SCHEDULE, DBMQ_TASK.ARGS).from(DBMQ_TASK)
                .where(DBMQ_TASK.UNIQUE_KEY.eq(RecurringTasks.key("tick"))).fetchSingle(r -> List.of(r.value1(),
                        r.value2())));
    }

    @Override
    TaskQueue openQueue(SettableClock clock) {
        QueueSettings.Builder settings = QueueSettings.postgres(pool).schema(PostgresSupport.newSchema("dbmq_sched"));
        return TaskQueue.open((clock == null ? settings : settings.clock(clock)).build());
    }

    @Override
    TaskQueue reopen(TaskQueue queue, SettableClock clock) {
        return TaskQueue.open(QueueSettings.postgres(pool).schema(queue.settings().schema()).clock(clock).build());
    }
}
