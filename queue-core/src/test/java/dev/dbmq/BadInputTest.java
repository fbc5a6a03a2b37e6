package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import dev.dbmq.internal.TaskStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever lands in the task table, the foreman carries on; what it can't run is kept, never dropped. */
class BadInputTest {

    @TempDir
    Path dir;

    @Test
    void random_task_names_and_args_written_by_another_tool_never_stop_the_foreman() {
        randomRows(2_000);
    }

    /** The long variant (a reliability test, run by hand with {@code -Plong}). */
    @Test
    @Tag("reliability")
    @Tag("long")
    void random_task_names_and_args_written_by_another_tool_never_stop_the_foreman_long_variant() {
        randomRows(20_000);
    }

    private void randomRows(int rows) {
        long seed = Long.getLong("dbmq.fuzz.seed", System.nanoTime());
        System.out.println("fuzz seed " + seed + " (rerun with -Ddbmq.fuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("queue.db"))) {
            int valid = 0;
            for (int i = 0; i < rows; i++) {
                String name = random.nextInt(4) == 0 ? "echo" : randomString(random, 1 + random.nextInt(300));
                String args = switch (random.nextInt(5)) {
                    case 0 -> "{\"n\":" + random.nextInt() + "}";
                    case 1 -> "null";
                    case 2 -> "{\"n\":\"" + randomString(random, 5) + "\"}";
                    default -> randomString(random, random.nextInt(2000));
                };
                if (name.equals("echo") && args.startsWith("{\"n\":") && !args.startsWith("{\"n\":\"")) {
                    valid++;
                }
                queue.database().autocommit(dsl -> TaskStore.insert(dsl, name, args, null, 0, 0, 1));
            }
            // Names without a handler are looked for at start (and every few minutes): start once all are written.
            Foreman foreman = Foreman.builder(queue).workers(2).listener(recorder).stopOnShutdown(false)
                    .unhandledTimeout(Duration.ZERO).handle(ECHO, a -> { }).start();
            recorder.await(() -> recorder.count("succeeded") + recorder.count("rejected") == rows,
                    rows + " rows to be run or kept");
            assertEquals(valid, recorder.count("succeeded"));
            assertEquals(rows - valid, queue.stats().failedKept());
            assertEquals(0, recorder.count("claimFailed"));
            queue.enqueue(ECHO, new Echo(1)); // still alive
            recorder.awaitCount("succeeded", valid + 1);
            foreman.close();
        }
    }

    /** Any UTF-16 code units, including controls, NUL and lone surrogates. */
    private static String randomString(Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = random.nextInt(3) == 0 ? (char) random.nextInt(0x80) : (char) random.nextInt(0x10000);
        }
        return new String(chars);
    }

    @Test
    void task_args_never_reach_logs_above_debug() throws Exception {
        Path db = dir.resolve("queue.db");
        String secret = "s3cr3t-" + System.nanoTime();
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            // a task that fails in its handler, one whose args don't decode (quoting the secret), one unknown
            queue.enqueue(TestTasks.BOOM, new Echo(1));
            queue.database().autocommit(dsl -> {
                TaskStore.insert(dsl, "echo", "{\"n\": " + secret + "}", null, 0, 0, 1);
                TaskStore.insert(dsl, "unknown", "{\"password\":\"" + secret + "\"}", null, 0, 0, 1);
                return null;
            });
        }
        try (ChildJvm child = ChildJvm.start("log-foreman", db.toString())) {
            child.await("DRAINED");
            if (child.output.stream().noneMatch(l -> l.contains("(boom) failed"))) {
                child.await("(boom) failed"); // its worker may log it after the foreman went idle
            }
            child.kill();
            child.awaitExit();
            assertTrue(child.output.stream().anyMatch(l -> l.contains("ERROR") && l.contains("(boom) failed")),
                    "the failure is logged at ERROR: " + String.join("\n", child.output));
            assertFalse(child.output.stream().anyMatch(l -> l.contains(secret)), String.join("\n", child.output));
        }
    }

    @Test
    void the_database_lock_and_wakeup_files_are_owner_only() throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db);
             Foreman foreman = Foreman.builder(queue).handle(ECHO, a -> { }).stopOnShutdown(false).start()) {
            queue.enqueue(ECHO, new Echo(1));
            for (String name : new String[] {"queue.db", "queue.db-wal", "queue.db-shm", "queue.db-foreman.lock"}) {
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve(name))), name);
            }
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("queue.db-wakeup"))));
        }
    }
}
