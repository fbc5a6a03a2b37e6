package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers and a foreman writing at once, killed producers, and the WAL under sustained load. Tagged
 * {@code reliability} (CI runs them, a plain {@code mvn verify} does not); the long variants are tagged {@code long}
 * as well.
 */
@Tag("reliability")
class SqliteReliabilityTest {

    @TempDir
    Path dir;

    @Test
    void a_producer_killed_mid_enqueueAll_leaves_all_or_nothing() throws Exception {
        Path db = dir.resolve("queue.db");
        int n = 200_000;
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            try (ChildJvm producer = ChildJvm.start("enqueue-all", db.toString(), Integer.toString(n))) {
                producer.await("BEGIN");
                producer.kill(); // SIGKILL, most likely inside the transaction
                producer.awaitExit();
                long pending = queue.pending();
                System.out.println("producer killed mid-enqueueAll: " + pending + " of " + n + " rows visible"
                        + (producer.output.contains("COMMITTED") ? " (it had committed)" : ""));
                assertTrue(pending == 0 || pending == n, pending + " rows: a partial enqueueAll");
            }
            assertEquals("ok", queue.database().autocommit(d -> d.fetchValue("pragma integrity_check")));
        }
    }

    @Test
    void producers_in_three_processes_and_the_foreman_never_see_sqlite_busy() throws Exception {
        producersInThreeProcesses(2_000);
    }

    @Test
    @Tag("long")
    void producers_in_three_processes_and_the_foreman_never_see_sqlite_busy_long_variant() throws Exception {
        producersInThreeProcesses(10_000);
    }

    private void producersInThreeProcesses(int perProducer) throws Exception {
        Path db = dir.resolve("queue.db");
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(db);
             Foreman foreman = Foreman.builder(queue).handle(ECHO, a -> { }).listener(recorder)
                     .stopOnShutdown(false).start()) {
            List<ChildJvm> producers = new ArrayList<>();
            try {
                for (int p = 0; p < 3; p++) {
                    producers.add(ChildJvm.start("produce", db.toString(), Integer.toString(p * perProducer),
                            Integer.toString(perProducer)));
                }
                for (ChildJvm p : producers) {
                    String summary = p.await("PRODUCED");
                    System.out.println("contention, producer: " + summary);
                    assertTrue(summary.contains(" errors=0 "), summary);
                }
            } finally {
                for (ChildJvm p : producers) {
                    p.close();
                }
            }
            recorder.awaitCount("succeeded", 3L * perProducer);
            assertEquals(0, recorder.count("claimFailed"));
        }
    }

    @Test
    void an_idle_queue_and_foreman_hold_no_read_transaction_so_checkpoints_complete() throws Exception {
        Path db = dir.resolve("queue.db");
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(db);
             Foreman foreman = Foreman.builder(queue).handle(ECHO, a -> { }).listener(recorder)
                     .stopOnShutdown(false).start()) {
            for (int i = 0; i < 2000; i++) {
                queue.enqueue(ECHO, new Echo(i));
            }
            recorder.awaitCount("succeeded", 2000);
            // idle from here on: the counts are flushed, and an empty claim writes nothing
            recorder.await(() -> queue.stats().counts().containsKey("echo")
                    && queue.stats().counts().get("echo").done() == 2000, "the counts to be flushed");
            queue.pending();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 5000");
                try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    assertTrue(rs.next());
                    assertEquals(0, rs.getInt(1), "checkpoint blocked: a connection holds a read transaction");
                    assertEquals(rs.getInt(2), rs.getInt(3), "not every WAL frame was checkpointed");
                }
            }
        }
    }

    @Test
    void the_wal_stays_bounded_under_sustained_load() throws Exception {
        walUnderSustainedLoad(10);
    }

    @Test
    @Tag("long")
    void the_wal_stays_bounded_under_sustained_load_long_variant() throws Exception {
        walUnderSustainedLoad(180);
    }

    private void walUnderSustainedLoad(long seconds) throws Exception {
        Path db = dir.resolve("queue.db");
        Path wal = dir.resolve("queue.db-wal");
        AtomicLong peak = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Long limit;
        try (TaskQueue queue = TaskQueue.sqlite(db);
             Foreman foreman = Foreman.builder(queue).stopOnShutdown(false)
                     .handle(ECHO, a -> {
                         if (done.incrementAndGet() % 200 == 0) {
                             peak.accumulateAndGet(Files.size(wal), Math::max);
                         }
                     }).start()) {
            Thread producer = new Thread(() -> {
                int i = 0;
                long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                while (System.nanoTime() < end) {
                    queue.enqueue(ECHO, new Echo(i++));
                }
                stop.set(true);
            });
            // the limit the queue's connection set: the WAL is truncated to it at each checkpoint
            limit = queue.database().<Long>autocommit(dsl -> dsl.fetchSingle("PRAGMA journal_size_limit")
                    .get(0, Long.class));
            producer.start();
            producer.join(Duration.ofSeconds(seconds + 60).toMillis());
            assertTrue(stop.get());
        }
        System.out.printf("WAL under %d s of load: %d tasks, peak WAL %.1f MiB%n", seconds, done.get(),
                peak.get() / 1048576.0);
        assertTrue(done.get() > 0);
        assertTrue(limit > 0, "no WAL size limit set: " + limit);
        assertTrue(peak.get() <= limit, "WAL grew to " + peak.get() + " bytes, over its limit of " + limit);
    }
}
