package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@NeedsPostgres
class PostgresLimitByTest extends LimitByContract {

    static HikariDataSource pool;

    @BeforeAll
    static void pool() {
        pool = PostgresSupport.pool(24);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Override
    TaskQueue openQueue() {
        return TaskQueue.open(QueueSettings.postgres(pool).schema(PostgresSupport.newSchema("dbmq_limitby")).build());
    }

    /**
     * Three foremen of 4 workers claim one type with a limit of 1 per key, 3 keys of 40 tasks each: never two of a
     * key at once across them, and the keys run beside each other (each handler waits until every key runs).
     */
    @Test
    void a_limit_per_key_holds_across_foremen() throws Exception {
        TaskQueue queue = closing(openQueue());
        List<Export> all = new ArrayList<>();
        for (String customer : List.of("a", "b", "c")) {
            all.addAll(exports(customer, 40));
        }
        queue.enqueueAll(EXPORT, all);
        PerKey perKey = new PerKey();
        CountDownLatch threeKeys = new CountDownLatch(3);
        CountDownLatch done = new CountDownLatch(all.size());
        for (int i = 0; i < 3; i++) {
            TaskQueue q = i == 0 ? queue
                    : closing(TaskQueue.open(QueueSettings.postgres(pool).schema(queue.settings().schema()).build()));
            closing(Foreman.builder(q)
                    .workers(4)
                    .handle(EXPORT, args -> {
                        perKey.enter(args.customer());
                        if (perKey.most(args.customer()) == 1 && args.n() == 0) {
                            threeKeys.countDown();
                        }
                        try {
                            threeKeys.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        } finally {
                            perKey.leave(args.customer());
                            done.countDown();
                        }
                    })
                    .start());
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "all ran: " + (all.size() - done.getCount()));
        assertTrue(threeKeys.await(0, TimeUnit.SECONDS), "the three keys ran at once");
        for (String customer : List.of("a", "b", "c")) {
            assertEquals(1, perKey.most(customer), "never two of " + customer + " at once, across foremen");
        }
        assertEquals(0, queue.pending());
        assertEquals(0, queue.failedTasks(10).size());
    }
}
