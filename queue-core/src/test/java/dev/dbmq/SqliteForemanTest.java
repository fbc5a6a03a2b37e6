package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.internal.Handoff;
import dev.dbmq.internal.TaskStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("smoke") // one of the few CI runs again on the newest JDK
class SqliteForemanTest extends ForemanContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue() {
        return openSameQueue();
    }

    /** A long busy timeout: a claim waiting for another connection's write lock waits well past any close(). */
    @Override
    QueueSettings.Builder sameQueueSettings() {
        return QueueSettings.sqlite(dir.resolve("queue.db")).busyTimeout(Duration.ofSeconds(30));
    }

    @Override
    String childDb() {
        return dir.resolve("queue.db").toString();
    }

    @Override
    TaskQueue openImpatientQueue() {
        TaskQueue q = TaskQueue.open(sameQueueSettings().busyTimeout(Duration.ofMillis(100)).build());
        toClose.add(q);
        return q;
    }

    @Override
    void renameTaskTable(String from, String to) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
             Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + from + " RENAME TO " + to);
        }
    }

    @Override
    WriteLockHolder holdWriteLock(int tasks) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
        Statement st = c.createStatement();
        st.execute("BEGIN IMMEDIATE");
        for (int i = 0; i < tasks; i++) {
            st.execute("INSERT INTO dbmq_task (task_name, args, created_at) VALUES ('echo', '{\"n\":" + i + "}', 0)");
        }
        return new WriteLockHolder() {
            @Override
            public void commit() throws Exception {
                st.execute("COMMIT");
            }

            @Override
            public void close() throws Exception {
                c.close();
            }
        };
    }

    @Test
    void clears_stale_wakeup_files_at_start() throws Exception {
        Path wakeups = queue.settings().wakeupDirectory();
        for (int i = 0; i < 5; i++) {
            Files.createFile(wakeups.resolve("stale-" + i));
        }
        started(foreman().handle(ECHO, a -> { }));
        try (var files = Files.list(wakeups)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void refuses_a_second_foreman_on_the_same_database() {
        started(foreman().handle(ECHO, a -> { }));
        try (TaskQueue other = openSameQueue()) {
            DbmqException e = assertThrows(DbmqException.class,
                    () -> Foreman.builder(other).handle(ECHO, a -> { }).stopOnShutdown(false).start());
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
        }
    }

    @Test
    void the_wakeup_watcher_survives_an_interrupt() throws Exception {
        java.util.Set<Integer> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Foreman f = started(foreman().handle(ECHO, a -> ran.add(a.n())));
        recorder.awaitIdleAfter(0);
        Thread watcher = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(f.threadName("wakeup"))).findFirst().orElseThrow();
        watcher.interrupt();
        recorder.await(() -> !watcher.isInterrupted(), "the watcher to see the interrupt");
        // What a producer in another process does: commit a task, then drop its wakeup file.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO dbmq_task (task_name, args, created_at) VALUES ('echo', '{\"n\":1}', 0)");
        }
        Files.createFile(queue.settings().wakeupDirectory().resolve("p999999"));
        recorder.await(() -> ran.contains(1), "the task to run, woken through the wakeup directory");
        assertTrue(watcher.isAlive());
        assertEquals(Foreman.State.RUNNING, f.state());
    }

    // ---- hand-over: an idle foreman takes a task from a producer of its JVM in the enqueue's commit ----

    @Test
    void an_idle_foreman_takes_a_task_from_a_producer_of_its_jvm_without_claiming() {
        java.util.Set<Integer> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Foreman f = started(foreman().handle(ECHO, a -> ran.add(a.n())));
        recorder.awaitIdleAfter(0);
        int idles = recorder.idles();
        long id = queue.enqueue(ECHO, new TestTasks.Echo(7));
        recorder.awaitCount("succeeded", 1);
        assertEquals(java.util.Set.of(7), ran);
        assertEquals(1, f.handedOver());
        assertEquals(idles, recorder.idles(), "the foreman claimed (and went idle again): no hand-over");
        assertEquals(0, queue.pending(), "claimed by its own commit");
        assertTrue(id > 0);
    }

    @Test
    void a_task_due_later_or_with_a_key_is_not_handed_over() {
        Foreman f = started(foreman().handle(ECHO, a -> { }));
        recorder.awaitIdleAfter(0);
        queue.enqueue(ECHO, new TestTasks.Echo(1), Enqueue.after(Duration.ofHours(1)));
        queue.enqueue(ECHO, new TestTasks.Echo(2), Enqueue.now().key("k2"));
        recorder.awaitCount("succeeded", 1); // the keyed one, claimed as usual
        assertEquals(0, f.handedOver());
        assertEquals(1, queue.pending());
    }

    @Test
    void a_task_the_foreman_cannot_decode_is_not_handed_over_and_its_claim_keeps_it_as_failed() {
        record Other(java.util.List<String> words) {
        }
        Task<Other> sameName = Task.of(ECHO.name(), Other.class);
        Foreman f = started(foreman().handle(sameName, a -> { }));
        recorder.awaitIdleAfter(0);
        long id = queue.enqueue(ECHO, new TestTasks.Echo(3)); // {"n":3}: no "n" in Other
        recorder.await(() -> queue.failedTasks(1).size() == 1, "the claim to keep it as failed");
        assertEquals(id, queue.failedTasks(1).get(0).id());
        assertEquals(0, f.handedOver());
    }

    @Test
    void a_task_handed_over_as_its_foreman_stops_goes_back_to_the_queue() throws Exception {
        Foreman f = started(foreman().handle(ECHO, a -> { }));
        recorder.awaitIdleAfter(0);
        String json = "{\"n\":5}";
        Handoff handoff = LocalForemen.find(queue.backend().key()).reserve(ECHO.name(), json);
        assertTrue(handoff != null, "an idle foreman with free workers grants a hand-over");
        f.close(); // the pool shuts before the producer's commit hands the task over
        long now = System.currentTimeMillis();
        long id = queue.backend().storage().enqueue(ECHO.name(), json, null, now, now, 1, handoff);
        assertEquals(0, queue.pending(), "inserted and claimed in one transaction");
        handoff.start(new TaskStore.Row(id, ECHO.name(), json, now, now, 1, null, null, null, 1, null));
        assertEquals(1, queue.pending(), "put back: nothing ran it");
        assertEquals(java.util.List.of(), queue.running(), "and not recorded as running");
        assertEquals(0, f.handedOver());
        java.util.Set<Integer> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        started(Foreman.builder(queue).handle(ECHO, a -> ran.add(a.n())).pollInterval(NO_POLL)
                .stopOnShutdown(false));
        recorder.await(() -> ran.contains(5), "the next foreman to run it");
    }
}
