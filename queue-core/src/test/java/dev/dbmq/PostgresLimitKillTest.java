package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A concurrency limit through kill -9: {@code limit(2)} across 3 PostgreSQL foremen of 16 workers each (child JVMs)
 * over 10,000 tasks, one foreman killed 5 times in turn and started again. From the handlers' own logs (each start
 * and end, on the host's monotonic clock; a killed foreman's open attempts counted as running until its exit was
 * seen): never more than 2 running at once. Every task started once and ran, or was kept as interrupted: none
 * lost, none run twice. Tagged {@code long}: about a minute; run by hand (docs/performance.md has its last run).
 */
@NeedsPostgres
@Tag("long")
class PostgresLimitKillTest {

    static final int TASKS = 10_000;
    static final int FOREMEN = 3;
    static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    void a_limit_of_2_holds_across_3_foremen_through_5_kills() throws Exception {
        try (HikariDataSource pool = PostgresSupport.pool(4)) {
            String schema = PostgresSupport.newSchema("dbmq_limitkill");
            try (TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
                for (int from = 0; from < TASKS; from += 1_000) {
                    queue.enqueueAll(LimitContract.LIMITED, IntStream.range(from, from + 1_000)
                            .mapToObj(LimitContract.Job::new).toList());
                }
                List<Path> logs = new ArrayList<>();
                Map<Path, Long> killedAt = new HashMap<>(); // a killed foreman's log: when its exit was seen
                List<ChildJvm> running = new ArrayList<>();
                // the foremen write their logs here: a change is what the waits below wait for
                java.nio.file.WatchService changes = dir.getFileSystem().newWatchService();
                dir.register(changes, java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY);
                for (int i = 0; i < FOREMEN; i++) {
                    running.add(start(schema, logs));
                }
                try {
                    for (int kill = 0; kill < KILLS; kill++) {
                        int done = ended(logs);
                        // each kill once another tenth of the tasks has run: while tasks run, not at the end
                        long until = System.nanoTime() + 60_000_000_000L;
                        while (ended(logs) < done + TASKS / 10) {
                            assertTrue(System.nanoTime() < until, "no progress: " + ended(logs) + " ended");
                            awaitChange(changes);
                        }
                        int victim = kill % FOREMEN;
                        ChildJvm child = running.get(victim);
                        child.kill();
                        child.awaitExit();
                        killedAt.put(logOf.get(child), System.nanoTime());
                        child.close();
                        running.set(victim, start(schema, logs));
                    }
                    long deadline = System.nanoTime() + 120_000_000_000L;
                    while (queue.pending() > 0 || !queue.running().isEmpty()) {
                        assertTrue(System.nanoTime() < deadline, "still pending: " + queue.pending());
                        awaitChange(changes); // a task ended; or, once none runs, the killed ones kept within 1 s
                    }
                } finally {
                    for (ChildJvm child : running) {
                        child.kill();
                        child.close();
                    }
                }
                check(queue, logs, killedAt);
            } finally {
                PostgresSupport.dropSchema(pool, schema);
            }
        }
    }

    private final Map<ChildJvm, Path> logOf = new HashMap<>();

    /**
     * Until a foreman's log changes (a task started or ended), or 200 ms: the latter for a change no log shows (a dead
     * foreman's tasks kept as interrupted), which the caller's condition then sees.
     */
    private static void awaitChange(java.nio.file.WatchService changes) throws InterruptedException {
        java.nio.file.WatchKey key = changes.poll(200, TimeUnit.MILLISECONDS);
        if (key != null) {
            key.pollEvents();
            key.reset();
        }
    }

    private ChildJvm start(String schema, List<Path> logs) throws Exception {
        Path log = dir.resolve("foreman-" + logs.size() + ".log");
        Files.createFile(log);
        ChildJvm child = ChildJvm.start("limited-log-foreman", "pg:" + schema, log.toString(), "16");
        child.await("STARTED");
        logs.add(log);
        logOf.put(child, log);
        return child;
    }

    private static int ended(List<Path> logs) throws Exception {
        int ended = 0;
        for (Path log : logs) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("E ")) {
                    ended++;
                }
            }
        }
        return ended;
    }

    private static void check(TaskQueue queue, List<Path> logs, Map<Path, Long> killedAt) throws Exception {
        TreeMap<Long, Integer> changes = new TreeMap<>(); // +1 at a start, -1 at an end, summed per instant
        Set<Integer> ran = new HashSet<>();
        Set<Integer> started = new HashSet<>();
        for (Path log : logs) {
            Map<Integer, Long> open = new HashMap<>();
            for (String line : Files.readAllLines(log)) {
                String[] f = line.split(" ");
                if (f.length != 3) {
                    continue; // a line cut short by the kill
                }
                int n = Integer.parseInt(f[1]);
                long at = Long.parseLong(f[2]);
                if (f[0].equals("S")) {
                    assertTrue(started.add(n), "task " + n + " started twice");
                    open.put(n, at);
                    changes.merge(at, 1, Integer::sum);
                } else {
                    open.remove(n);
                    ran.add(n);
                    changes.merge(at, -1, Integer::sum);
                }
            }
            for (Map.Entry<Integer, Long> unended : open.entrySet()) {
                Long end = killedAt.get(log);
                assertTrue(end != null, "task " + unended.getKey() + " never ended in a foreman not killed: " + log);
                changes.merge(end, -1, Integer::sum);
            }
        }
        int now = 0;
        int most = 0;
        for (int change : changes.values()) {
            now += change;
            most = Math.max(most, now);
        }
        assertEquals(2, most, "never more than the limit running, across foremen and kills");
        long interrupted = queue.failedTasks(1_000).stream().filter(f -> f.reason().startsWith("interrupted"))
                .count();
        assertEquals(queue.failedTasks(1_000).size(), interrupted, "no failure but the kills' interrupted tasks");
        assertTrue(interrupted <= 2L * KILLS, "at most 2 running per kill: " + interrupted);
        // A task whose handler ended just before its foreman was killed, its outcome not yet written, is kept as
        // interrupted too (it may or may not have finished, as its reason says): in both sets, never run again.
        Set<Integer> accounted = new HashSet<>(ran);
        for (FailedTask f : queue.failedTasks(1_000)) {
            accounted.add(Integer.parseInt(f.args().replaceAll("[^0-9]", "")));
        }
        assertEquals(TASKS, accounted.size(), "every task ran once or was kept as interrupted");
        System.out.println("limit 2 through " + KILLS + " kills: most running at once " + most + ", ran " + ran.size()
                + ", kept as interrupted " + interrupted + " (of them ended before the kill " + (ran.size()
                + interrupted - TASKS) + ")");
    }
}
