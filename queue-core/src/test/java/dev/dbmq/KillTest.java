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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 under load: producers in separate JVMs enqueue while the foreman's JVM is killed and restarted. The
 * accounting proves the at-most-once guarantee and its bound: no task ran twice, and each kill lost at most
 * {@code workers} tasks. The default build runs a short variant; {@code -Preliability-long} the full one.
 */
class KillTest {

    static final boolean LONG = Boolean.getBoolean("dbmq.reliability.long");
    static final int WORKERS = 4;

    @TempDir
    Path dir;

    record Log(Set<Long> started, Set<Long> done, List<Integer> ran) {
        static Log read(Path file) throws Exception {
            Log log = new Log(new HashSet<>(), new HashSet<>(), new ArrayList<>());
            if (!Files.exists(file)) {
                return log;
            }
            for (String line : Files.readAllLines(file)) {
                if (line.length() < 3) {
                    continue; // a write cut short by the kill
                }
                String value = line.substring(2);
                switch (line.charAt(0)) {
                    case 'S' -> log.started.add(Long.parseLong(value));
                    case 'D' -> log.done.add(Long.parseLong(value));
                    case 'R' -> log.ran.add(Integer.parseInt(value));
                    default -> { }
                }
            }
            return log;
        }

        int runningAtKill() {
            Set<Long> s = new HashSet<>(started);
            s.removeAll(done);
            return s.size();
        }
    }

    @Test
    void sqlite_foreman_killed_repeatedly_under_load_loses_at_most_workers_per_kill_and_runs_nothing_twice()
            throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            run(db.toString(), queue, LONG ? 10_000 : 1_000, LONG ? 6 : 3);
            assertEquals("ok", queue.database().autocommit(d -> d.fetchValue("pragma integrity_check")));
        }
    }

    @Test
    void postgres_foreman_killed_under_load_beside_a_second_one() throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_kill");
        try (HikariDataSource pool = PostgresSupport.pool(4);
             TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
            try (ChildJvm survivor = ChildJvm.start("recording-foreman", "pg:" + schema,
                    dir.resolve("survivor.log").toString(), Integer.toString(WORKERS))) {
                survivor.await("STARTED");
                run("pg:" + schema, queue, LONG ? 10_000 : 1_000, LONG ? 4 : 2);
                survivor.terminate();
                survivor.awaitExit();
            } finally {
                PostgresSupport.dropSchema(pool, schema);
            }
        }
    }

    /** 3 producers of {@code perProducer} tasks each; the foreman is killed {@code kills} times, then one drains. */
    private void run(String db, TaskQueue queue, int perProducer, int kills) throws Exception {
        List<ChildJvm> producers = new ArrayList<>();
        List<Path> killedLogs = new ArrayList<>();
        try {
            for (int p = 0; p < 3; p++) {
                producers.add(ChildJvm.start("produce", db, Integer.toString(p * perProducer),
                        Integer.toString(perProducer)));
            }
            for (int k = 0; k < kills; k++) {
                Path log = dir.resolve("foreman-" + k + ".log");
                try (ChildJvm foreman = ChildJvm.start("recording-foreman", db, log.toString(),
                        Integer.toString(WORKERS))) {
                    foreman.await("STARTED");
                    // under load; on PostgreSQL the other foreman may have drained the queue first
                    foreman.await("PROGRESS", "IDLE pending=0");
                    foreman.kill();
                    foreman.awaitExit();
                }
                killedLogs.add(log);
            }
            for (ChildJvm p : producers) {
                String summary = p.await("PRODUCED");
                assertTrue(summary.contains(" errors=0 "), summary);
                System.out.println("producer: " + summary);
            }
        } finally {
            for (ChildJvm p : producers) {
                p.close();
            }
        }
        Path finalLog = dir.resolve("foreman-final.log");
        try (ChildJvm last = ChildJvm.start("recording-foreman", db, finalLog.toString(),
                Integer.toString(WORKERS))) {
            last.await("STARTED");
            while (!last.await("IDLE").equals("IDLE pending=0")) {
                // each IDLE line is the foreman finding the queue empty; wait for one with nothing left
            }
            last.terminate();
            last.awaitExit();
        }
        assertEquals(0, queue.pending());

        // Accounting.
        Map<Integer, Integer> runs = new HashMap<>();
        int lostBound = 0;
        List<Path> allLogs = new ArrayList<>(killedLogs);
        allLogs.add(finalLog);
        Path survivor = dir.resolve("survivor.log");
        for (Path file : allLogs) {
            Log log = Log.read(file);
            log.ran().forEach(n -> runs.merge(n, 1, Integer::sum));
            if (killedLogs.contains(file)) {
                assertTrue(log.runningAtKill() <= WORKERS, file + " had " + log.runningAtKill() + " running");
                lostBound += WORKERS;
            } else {
                assertEquals(log.started(), log.done(), "a foreman stopped gracefully left tasks unfinished");
            }
        }
        Log.read(survivor).ran().forEach(n -> runs.merge(n, 1, Integer::sum));
        List<Integer> twice = runs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), twice, "tasks that ran twice");
        int total = 3 * perProducer;
        int lost = total - runs.size();
        System.out.printf("kill test on %s: %d tasks, %d kills, %d lost (bound %d)%n", db.startsWith("pg:")
                ? "PostgreSQL" : "SQLite", total, kills, lost, lostBound);
        assertTrue(lost >= 0 && lost <= lostBound, lost + " lost, more than " + lostBound);
    }
}
