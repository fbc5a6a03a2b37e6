package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.TestTasks.Echo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away under a running foreman: the file moved away, the disk full. Enqueue fails with a clear
 * exception and writes nothing; the foreman logs, retries with backoff, and resumes once the database is back.
 */
class DatabaseGoneTest {

    @TempDir
    Path dir;

    private Foreman foreman(TaskQueue queue, Recorder recorder) {
        // a short backstop poll, so the foreman keeps trying to claim while the database is gone
        return Foreman.builder(queue).handle(ECHO, a -> { }).listener(recorder).pollInterval(Duration.ofMillis(50))
                .stopOnShutdown(false).start();
    }

    @Test
    void a_database_file_moved_away_and_back() throws Exception {
        Path db = dir.resolve("queue.db");
        Path away = dir.resolve("elsewhere.db");
        Recorder recorder = new Recorder();
        try (CapturedErr log = new CapturedErr(); TaskQueue queue = TaskQueue.sqlite(db);
             Foreman f = foreman(queue, recorder)) {
            queue.enqueue(ECHO, new Echo(1));
            recorder.awaitCount("succeeded", 1);
            Files.move(db, away, StandardCopyOption.ATOMIC_MOVE);
            DbmqException e = assertThrows(DbmqException.class, () -> queue.enqueue(ECHO, new Echo(2)));
            System.out.println("moved away: " + e.getMessage());
            assertTrue(e.getMessage().contains("is gone"), e.getMessage());
            recorder.awaitCount("claimFailed", 3); // the foreman keeps trying
            Files.move(away, db, StandardCopyOption.ATOMIC_MOVE);
            queue.enqueue(ECHO, new Echo(3));
            recorder.awaitCount("succeeded", 2);
            // An outage is one stack trace, then a line per retry, then a line when it is over.
            assertEquals(1, log.lines("claiming failed; will keep running").size(), "the first failure, in full");
            assertEquals(1, log.lines("at dev.dbmq.ForemanLoop.run(").size(), "one stack trace for the outage");
            assertTrue(log.lines("claiming failed again (").size() >= 2, "each retry in a line");
            // task 3 may have run without the foreman thread's claim (a worker claims for itself): wait for that claim
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.lines("claiming works again, after ").isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no line saying claiming works again");
                Thread.yield();
            }
            assertEquals(1, log.lines("claiming works again, after ").size());
        }
    }

    @Test
    void a_full_disk() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("small"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()),
                "needs root to mount a 2 MiB tmpfs for a full disk");
        try {
            Path db = mount.resolve("queue.db");
            Recorder recorder = new Recorder();
            try (TaskQueue queue = TaskQueue.sqlite(db); Foreman f = foreman(queue, recorder)) {
                queue.enqueue(ECHO, new Echo(0));
                recorder.awaitCount("succeeded", 1);
                Path filler = mount.resolve("filler");
                try (var out = Files.newOutputStream(filler)) {
                    byte[] block = new byte[64 * 1024];
                    while (true) {
                        out.write(block); // until ENOSPC
                    }
                } catch (IOException full) {
                    // the disk is full now
                }
                Task<TaskQueueTest.Big> big = Task.of("big", TaskQueueTest.Big.class);
                DbmqException e = null;
                for (int i = 0; i < 100 && e == null; i++) { // whatever free pages SQLite still had are used up
                    try {
                        queue.enqueue(big, new TaskQueueTest.Big("x".repeat(100_000)));
                    } catch (DbmqException thrown) {
                        e = thrown;
                    }
                }
                assertTrue(e != null, "enqueue kept succeeding on a full disk");
                System.out.println("full disk: " + e.getMessage());
                assertTrue(e.getMessage().contains("full") || e.getMessage().contains("FULL")
                        || e.getMessage().contains("disk"), e.getMessage());
                Files.delete(filler);
                queue.enqueue(ECHO, new Echo(1));
                recorder.awaitCount("succeeded", 2);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void a_read_only_database() throws Exception {
        Path db = dir.resolve("queue.db");
        Recorder recorder = new Recorder();
        try (TaskQueue queue = TaskQueue.sqlite(db); Foreman f = foreman(queue, recorder)) {
            queue.enqueue(ECHO, new Echo(0));
            recorder.awaitCount("succeeded", 1);
            // chattr +i: read-only even for root (plain chmod does not stop root, who runs CI here). Not the -shm
            // file: SQLite maps it into memory, and a write to a mapping of an immutable file is a SIGBUS.
            String[] files = {db.toString(), db + "-wal"};
            Assumptions.assumeTrue(run(concat("chattr", "+i", files)), "needs chattr on an ext4-like file system");
            try {
                DbmqException e = assertThrows(DbmqException.class, () -> queue.enqueue(ECHO, new Echo(1)));
                System.out.println("read-only: " + e.getMessage());
                recorder.awaitCount("claimFailed", 1);
            } finally {
                run(concat("chattr", "-i", files));
            }
            queue.enqueue(ECHO, new Echo(2));
            recorder.awaitCount("succeeded", 2);
        }
    }

    private static String[] concat(String a, String b, String[] rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
