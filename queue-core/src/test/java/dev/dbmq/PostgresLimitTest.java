package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@NeedsPostgres
class PostgresLimitTest extends LimitContract {

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
        return TaskQueue.open(QueueSettings.postgres(pool).schema(PostgresSupport.newSchema("dbmq_limit")).build());
    }

    private TaskQueue another(TaskQueue queue) {
        return closing(TaskQueue.open(QueueSettings.postgres(pool).schema(queue.settings().schema()).build()));
    }

    /** Three foremen of 6 workers each claim one limited type at once: never more than its limit run, across them. */
    @Test
    void a_limit_holds_across_foremen() throws Exception {
        TaskQueue queue = closing(openQueue());
        Concurrency limited = new Concurrency();
        int tasks = 300;
        CountDownLatch all = new CountDownLatch(tasks);
        queue.enqueueAll(LIMITED, IntStream.range(0, tasks).mapToObj(Job::new).toList());
        for (TaskQueue q : List.of(queue, another(queue), another(queue))) {
            closing(Foreman.builder(q)
                    .workers(6)
                    .handle(LIMITED, args -> {
                        limited.enter();
                        try {
                            limited.awaitAnother();
                        } finally {
                            limited.leave();
                            all.countDown();
                        }
                    })
                    .start());
        }
        assertTrue(all.await(60, TimeUnit.SECONDS), "all ran: " + (tasks - all.getCount()));
        assertEquals(2, limited.most.get(), "never more than the limit at once, across foremen");
        assertEquals(0, queue.pending());
        assertEquals(0, queue.failedTasks(10).size());
    }

    /**
     * Two foremen that differ in what else limits a type (one adds a rate and a limit per key, as a rolling deploy
     * would) keep its limit together: both take its places. The first foreman's two tasks hold both; the second's
     * claims, which take another type past them, start none of the limited type until they end.
     */
    @Test
    void a_limit_holds_across_foremen_that_differ_in_the_types_other_limits() throws Exception {
        TaskQueue queue = closing(openQueue());
        Task<Job> more = Task.of(LIMITED.name(), Job.class).limit(2).limitBy(Job::n, 1)
                .rate(1_000, java.time.Duration.ofSeconds(1));
        FirstTwoHeld handler = new FirstTwoHeld(20);
        CountDownLatch allOther = new CountDownLatch(20);
        closing(Foreman.builder(another(queue)).workers(6).handle(more, handler).start());
        queue.enqueueAll(more, IntStream.range(0, 2).mapToObj(Job::new).toList()); // with their keys
        assertTrue(handler.twoHeld.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the first foreman runs two");

        closing(Foreman.builder(another(queue)).workers(6).handle(LIMITED, handler)
                .handle(OTHER, args -> allOther.countDown()).start());
        queue.enqueueAll(LIMITED, IntStream.range(2, 20).mapToObj(Job::new).toList());
        queue.enqueueAll(OTHER, IntStream.range(0, 20).mapToObj(Job::new).toList());
        assertTrue(allOther.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the second foreman claims the other type");
        assertEquals(2, handler.started.get(), "its claims found both places held by the first foreman's tasks");

        handler.release.countDown();
        assertTrue(handler.all.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "all ran: " + handler.started.get());
        assertEquals(2, handler.limited.most.get(), "never more than the limit at once, across both foremen");
        assertEquals(0, queue.pending());
        assertEquals(0, queue.failedTasks(10).size());
    }

    /** Two foremen share a rate: its starts are counted across them. */
    @Test
    void a_rate_holds_across_foremen() throws Exception {
        TaskQueue queue = closing(openQueue());
        assertRate(runRated(List.of(queue, another(queue))));
    }

    /**
     * A foreman killed while its tasks hold both places: another foreman starts none until the death is known (its
     * liveness lock free), then takes the places, two at a time; the killed tasks are kept as interrupted.
     */
    @Test
    void a_killed_foremans_places_free_when_its_death_is_known_not_before() throws Exception {
        TaskQueue queue = closing(openQueue());
        queue.enqueueAll(LIMITED, IntStream.range(0, 10).mapToObj(Job::new).toList());
        Concurrency limited = new Concurrency();
        CountDownLatch rest = new CountDownLatch(8);
        AtomicInteger startedHere = new AtomicInteger();
        CountDownLatch idle = new CountDownLatch(1);
        try (ChildJvm child = ChildJvm.start("limited-foreman", "pg:" + queue.settings().schema())) {
            child.await("RUNNING");
            child.await("RUNNING");
            Foreman foreman = closing(Foreman.builder(another(queue))
                    .workers(4)
                    .handle(LIMITED, args -> {
                        startedHere.incrementAndGet();
                        limited.enter();
                        try {
                            limited.awaitAnother();
                        } finally {
                            limited.leave();
                            rest.countDown();
                        }
                    })
                    .listener(new ForemanListener() {
                        @Override
                        public void idle(ForemanEvent.Idle event) {
                            idle.countDown();
                        }
                    })
                    .start());
            assertTrue(idle.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "its first claim found no place");
            assertEquals(0, startedHere.get(), "no place while the other foreman lives");
            assertEquals(8, queue.pending());
            child.kill();
            child.awaitExit();
            assertTrue(rest.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the rest ran: " + startedHere.get());
            assertEquals(8, startedHere.get());
            assertEquals(2, limited.most.get());
            assertEquals(2, queue.failedTasks(10).stream().filter(f -> f.reason().startsWith("interrupted")).count(),
                    "the killed foreman's two tasks kept as interrupted: " + queue.failedTasks(10));
        }
    }
}
