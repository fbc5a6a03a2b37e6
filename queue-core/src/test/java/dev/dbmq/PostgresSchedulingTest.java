package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
