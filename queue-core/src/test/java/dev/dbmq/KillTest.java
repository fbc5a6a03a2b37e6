package dev.dbmq;

import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 under load: producers in separate JVMs enqueue while the foreman's JVM is killed and restarted. The
 * accounting proves the at-most-once guarantee and what a kill costs: no task ran twice, none is missing, and the
 * tasks running at each kill (at most {@code workers}) are kept as failed, {@code interrupted}, by the next foreman to
 * start; one of those may have finished just before the kill (its record not yet removed). The same under retries and a recurring schedule: no attempt and no tick ran twice, and
 * every loss is one of the kills' ({@link #runRetrying}). Tagged {@code reliability} (CI runs them, a plain
 * {@code mvn verify} does not); each has a long variant, tagged {@code long} as well, run by hand
 * ({@code -Plong}: see docs/building.md).
 */
@Tag("reliability")
class KillTest {

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
        sqliteKilledUnderLoad(1_000, 3);
    }

    @Test
    @Tag("long")
    void sqlite_foreman_killed_repeatedly_under_load_long_variant() throws Exception {
        sqliteKilledUnderLoad(10_000, 6);
    }

    /**
     * The same load with the task at least once: every task ran at least once, none is kept as interrupted, and a task
     * ran twice only if it was running at a kill (at most {@code workers} per kill).
     */
    @Test
    void sqlite_foreman_killed_repeatedly_under_load_at_least_once_runs_every_task() throws Exception {
        sqliteKilledUnderLoad(1_000, 3, true);
    }

    @NeedsPostgres
    @Test
    void postgres_foreman_killed_under_load_beside_a_second_one_at_least_once_runs_every_task() throws Exception {
        postgresKilledUnderLoad(1_000, 2, true);
    }

    @Test
    @Tag("long")
    void sqlite_foreman_killed_repeatedly_under_load_at_least_once_long_variant() throws Exception {
        sqliteKilledUnderLoad(10_000, 6, true);
    }

    @NeedsPostgres
    @Test
    @Tag("long")
    void postgres_foreman_killed_under_load_at_least_once_long_variant() throws Exception {
        postgresKilledUnderLoad(10_000, 4, true);
    }

    private void sqliteKilledUnderLoad(int perProducer, int kills) throws Exception {
        sqliteKilledUnderLoad(perProducer, kills, false);
    }

    private void sqliteKilledUnderLoad(int perProducer, int kills, boolean atLeastOnce) throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            run(db.toString(), queue, perProducer, kills, atLeastOnce);
            assertEquals("ok", queue.database().autocommit(d -> d.fetchValue("pragma integrity_check")));
        }
    }

    @NeedsPostgres
    @Test
    void postgres_foreman_killed_under_load_beside_a_second_one() throws Exception {
        postgresKilledUnderLoad(1_000, 2);
    }

    @NeedsPostgres
    @Test
    @Tag("long")
    void postgres_foreman_killed_under_load_beside_a_second_one_long_variant() throws Exception {
        postgresKilledUnderLoad(10_000, 4);
    }

    private void postgresKilledUnderLoad(int perProducer, int kills) throws Exception {
        postgresKilledUnderLoad(perProducer, kills, false);
    }

    private void postgresKilledUnderLoad(int perProducer, int kills, boolean atLeastOnce) throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_kill");
        try (HikariDataSource pool = PostgresSupport.pool(4);
             TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
            try (ChildJvm survivor = ChildJvm.start(atLeastOnce ? "recording-foreman-alo" : "recording-foreman",
                    "pg:" + schema, dir.resolve("survivor.log").toString(), Integer.toString(WORKERS))) {
                survivor.await("STARTED");
                run("pg:" + schema, queue, perProducer, kills, atLeastOnce);
                survivor.terminate();
                survivor.awaitExit();
            } finally {
                PostgresSupport.dropSchema(pool, schema);
            }
        }
    }

    /**
     * kill -9 under retries and a recurring schedule, on SQLite: one foreman process ({@link ChildMain}
     * retrying-foreman) is killed {@code kills} times, each time once it has ended attempts and run ticks of the
     * schedule, and restarted; the last one drains the load and runs ticks after the kills. See
     * {@link #runRetrying} for the accounting.
     */
    /**
     * The hand-over: the producer runs in the foreman's JVM, so while the foreman is idle its enqueues claim
     * their tasks in their own transactions and hand them to workers. Killed mid-stream, three times: every task
     * enqueued before the kill ran once, is still queued (run by the next foreman), or is among at most
     * {@code workers} lost per kill; none ran twice.
     */
    @Test
    void sqlite_foreman_taking_tasks_from_its_own_producer_killed_loses_at_most_workers_per_kill() throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            int kills = 3;
            int perRun = 10_000_000; // far more than a run gets through before its kill
            List<Path> killedLogs = new ArrayList<>();
            long handed = 0;
            for (int k = 0; k < kills; k++) {
                Path log = dir.resolve("producing-" + k + ".log");
                try (ChildJvm child = ChildJvm.start("producing-foreman", db.toString(), log.toString(),
                        Integer.toString(WORKERS), Integer.toString(k * perRun), Integer.toString(perRun))) {
                    child.await("STARTED");
                    String line;
                    do {
                        line = child.await("HANDED");
                    } while (line.startsWith("HANDED 0 ") || Integer.parseInt(line.split("=")[1]) < 600);
                    handed += Long.parseLong(line.split(" ")[1]);
                    child.kill();
                    child.awaitExit();
                }
                killedLogs.add(log);
            }
            Path finalLog = dir.resolve("final.log");
            drain(db.toString(), finalLog);
            assertEquals(0, queue.pending());
            Set<Integer> interrupted = interruptedArgs(queue);

            // Run k enqueued k·perRun, k·perRun + 1, … in order: all up to its last "P n" line were committed.
            Map<Integer, Integer> runs = new HashMap<>(); // args n → how many times it ran, in any process
            List<Path> allLogs = new ArrayList<>(killedLogs);
            allLogs.add(finalLog);
            for (Path p : allLogs) {
                Log log = Log.read(p);
                log.ran().forEach(n -> runs.merge(n, 1, Integer::sum));
                if (killedLogs.contains(p)) {
                    assertTrue(log.runningAtKill() <= WORKERS, p + " had " + log.runningAtKill() + " running");
                }
            }
            assertEquals(List.of(), runs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList(), "tasks that ran twice");
            int lost = 0;
            int committed = 0;
            for (int k = 0; k < kills; k++) {
                int lostOfRun = 0;
                for (String[] line : lines(killedLogs.get(k), 'P', 2)) {
                    committed++;
                    int n = Integer.parseInt(line[1]);
                    if (!runs.containsKey(n) && !interrupted.contains(n)) {
                        lostOfRun++;
                    }
                }
                lost += lostOfRun;
            }
            long misreported = interrupted.stream().filter(runs::containsKey).count();
            System.out.printf("hand-over kill test: %d enqueued before the kills, %d handed over, %d kept as"
                            + " interrupted (%d of them had finished; bound %d), %d missing%n", committed, handed,
                    interrupted.size(), misreported, kills * WORKERS, lost);
            assertTrue(handed > 0, "no task was handed over: the test did not test the hand-over");
            assertEquals(0, lost, "tasks neither run nor kept as interrupted");
            assertTrue(interrupted.size() <= kills * WORKERS, interrupted.size() + " interrupted, more than "
                    + kills * WORKERS);
        }
    }

    @Test
    void sqlite_foreman_killed_repeatedly_under_retries_and_a_schedule_repeats_no_attempt_and_no_tick()
            throws Exception {
        sqliteKilledUnderRetries(200, 3, 5);
    }

    @Test
    @Tag("long")
    void sqlite_foreman_killed_repeatedly_under_retries_and_a_schedule_long_variant() throws Exception {
        sqliteKilledUnderRetries(2_000, 6, 100);
    }

    private void sqliteKilledUnderRetries(int wave, int kills, int ticksAfter) throws Exception {
        Path db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            // ticksBeforeKill 1: after a restart the overdue tick runs first; a second waits behind the whole wave
            runRetrying(db.toString(), queue, 0, kills, wave, wave / 3, 1, ticksAfter);
        }
    }

    /**
     * The same with three PostgreSQL foreman processes sharing the load and one schedule (every 100 ms): one of
     * them is killed {@code kills} times (restarted after each kill) while the two others run on; each tick runs at
     * most once, each one missed is explained, and ticks go on after the kills. The long variant runs the schedule
     * for about 60 s after the kills.
     */
    @NeedsPostgres
    @Test
    void postgres_three_foremen_one_killed_repeatedly_under_retries_and_a_schedule_repeat_no_attempt_and_no_tick()
            throws Exception {
        postgresKilledUnderRetries(300, 2, 10);
    }

    @NeedsPostgres
    @Test
    @Tag("long")
    void postgres_three_foremen_one_killed_repeatedly_under_retries_and_a_schedule_long_variant() throws Exception {
        postgresKilledUnderRetries(3_000, 5, 600);
    }

    private void postgresKilledUnderRetries(int wave, int kills, int ticksAfter) throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_killretry");
        try (HikariDataSource pool = PostgresSupport.pool(4);
             TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
            try {
                runRetrying("pg:" + schema, queue, 2, kills, wave, wave / 10, 0, ticksAfter);
            } finally {
                PostgresSupport.dropSchema(pool, schema);
            }
        }
    }

    /** Enqueues FLAKY tasks nextN..nextN+wave-1 in one call and records them; returns the next n. */
    private static int enqueueWave(TaskQueue queue, int nextN, int wave, Map<Long, Enqueued> argsById) {
        List<TestTasks.Echo> args = new ArrayList<>();
        for (int i = 0; i < wave; i++) {
            args.add(new TestTasks.Echo(nextN + i));
        }
        long at = System.currentTimeMillis();
        List<Long> ids = queue.enqueueAll(ChildMain.FLAKY, args);
        for (int i = 0; i < wave; i++) {
            argsById.put(ids.get(i), new Enqueued(args.get(i).n(), at));
        }
        return nextN + wave;
    }

    /** One retrying-foreman process: its log, and when it was killed ({@code killedTo == 0}: stopped by SIGTERM). */
    record Run(Path log, long killedFrom, long killedTo) {
        boolean killed() {
            return killedTo != 0;
        }
    }

    /** Longest time from a claim to its handler's start that the tick accounting allows for, under a busy CPU. */
    static final Duration CLAIM_TO_START = Duration.ofSeconds(5);

    /** A FLAKY task the test enqueued: its args, and when (ms). */
    record Enqueued(int n, long at) {
    }

    /** The start of an attempt, as a retrying-foreman logged it; {@code n} is -1 for a tick. */
    record Start(long id, int attempt, int n, long scheduledAt, long startedAt, Run run) {
    }

    /**
     * Starts {@code survivors} retrying-foremen that run to the end and, with them, a victim; then {@code kills}
     * times: enqueues a wave of {@code wave} FLAKY tasks, waits until the victim has ended {@code killAfterEnds}
     * attempts (another wave when the warm survivors took a whole one first) and run {@code ticksBeforeKill} ticks,
     * kills it (SIGKILL) and starts it again. The last one runs until
     * no FLAKY task is queued and {@code ticksAfterKills} ticks due after the last kill have run; then all are
     * stopped with SIGTERM.
     *
     * <p>Accounting. Each process logs, one unbuffered append per line (after a SIGKILL a line is in the file or
     * not; one cut short would lack its newline and is ignored): "S" when a FLAKY attempt starts (task id, attempt,
     * args), "T" when a tick starts (task id, {@code ctx.scheduledAt()}, start time), and "E" when an attempt has
     * ended (ok, retry or failed, and when), from the listener, so after its retry or kept failure was committed.
     * Two windows are open at a kill: an attempt that ended (retry or failure committed, handler returned) may lack
     * its "E" line; a task claimed (its row deleted) may lack its "S" line. Asserted:
     * <ul>
     * <li>no (task id, attempt) started twice, no tick ({@code scheduledAt}) started twice, ticks on the 100 ms grid;
     * <li>each FLAKY attempt that ended, ended as its args say ({@link ChildMain#failures}); a task's attempts
     * started are 1..L, none past its last; each before L ended "retry", or has no end and ran in a killed process;
     * <li>each FLAKY task is one of: done (attempt L ended ok); kept failed (in dbmq_failed_task with
     * {@code attempts == maxAttempts}, and meant to fail every attempt); lost running (attempt L started in a
     * killed process, never ended); lost at its claim (no attempt started, or attempt L ended "retry", and a process
     * was killed after that). Nothing else: none left queued;
     * <li>whatever started and did not end (attempts and ticks) ran in a killed process, at most {@code workers}
     * per kill (what was running at the kill); the tasks lost are at most {@code workers} per kill (a foreman claims
     * for free workers only); a stopped process left nothing unended;
     * <li>the schedule survives: one instance pending at the end, {@code ticksAfterKills} ran after the last kill,
     * and on SQLite, where one foreman runs at a time, every process ran ticks. Each gap in the grid between two ticks
     * run is explained: the earlier tick was claimed late (it started after the missed tick's successor was due,
     * so the next instance was written past the missed ones, as missed ticks run once) or a kill fell in the gap (a
     * tick claimed and lost before it was logged).
     * </ul>
     */
    private void runRetrying(String db, TaskQueue queue, int survivors, int kills, int wave, int killAfterEnds,
                             int ticksBeforeKill, int ticksAfterKills) throws Exception {
        Map<Long, Enqueued> argsById = new HashMap<>();
        List<Run> runs = new ArrayList<>();
        List<ChildJvm> children = new ArrayList<>(); // closed (SIGKILL if still alive) at the end
        List<ChildJvm> stopped = new ArrayList<>();  // stopped with SIGTERM at the end
        long lastKill = 0;
        try {
            // The survivors and the first victim start together: JVM starts are most of this test's time.
            for (int s = 0; s < survivors; s++) {
                Path log = dir.resolve("survivor-" + s + ".log");
                ChildJvm survivor = ChildJvm.start("retrying-foreman", db, log.toString(), Integer.toString(WORKERS));
                children.add(survivor);
                stopped.add(survivor);
                runs.add(new Run(log, 0, 0));
            }
            Path victimLog = dir.resolve("victim-0.log");
            ChildJvm victim = ChildJvm.start("retrying-foreman", db, victimLog.toString(), Integer.toString(WORKERS));
            children.add(victim);
            for (ChildJvm survivor : stopped) {
                survivor.await("STARTED");
            }
            int nextN = 0;
            for (int k = 0; k < kills; k++) {
                victim.await("STARTED");
                nextN = enqueueWave(queue, nextN, wave, argsById);
                long waitUntil = System.nanoTime() + Recorder.TIMEOUT.toNanos();
                while (true) {
                    String[] p = victim.await("PROGRESS").split(" ");
                    long ends = Long.parseLong(p[1]);
                    if (ends >= killAfterEnds && Long.parseLong(p[2]) >= ticksBeforeKill) {
                        break;
                    }
                    assertTrue(System.nanoTime() - waitUntil < 0, "the victim ended only " + ends + " of the "
                            + killAfterEnds + " attempts it is killed after, within " + Recorder.TIMEOUT);
                    if (ends < killAfterEnds && queue.stats().pendingByName().getOrDefault(ChildMain.FLAKY.name(), 0L)
                            == 0) {
                        // The survivors, warm, took the whole wave while the restarted victim warmed up: another.
                        nextN = enqueueWave(queue, nextN, wave, argsById);
                    }
                }
                long from = System.currentTimeMillis();
                victim.kill();
                victim.awaitExit();
                lastKill = System.currentTimeMillis();
                runs.add(new Run(victimLog, from, lastKill));
                // Restarted: the next victim, or the last foreman.
                victimLog = dir.resolve(k + 1 < kills ? "victim-" + (k + 1) + ".log" : "last.log");
                victim = ChildJvm.start("retrying-foreman", db, victimLog.toString(), Integer.toString(WORKERS));
                children.add(victim);
            }
            ChildJvm last = victim;
            stopped.add(last);
            last.await("STARTED");
            runs.add(new Run(victimLog, 0, 0));
            // Each tick makes its foreman go idle; IDLE lines come at least every poll interval (1 s).
            long deadline = System.nanoTime() + Recorder.TIMEOUT.plus(ChildMain.TICK_PERIOD.multipliedBy(
                    3L * ticksAfterKills)).toNanos();
            long killed = lastKill;
            while (true) {
                String idle = last.await("IDLE");
                long after = startsOf(runs).stream().filter(t -> t.n() < 0 && t.scheduledAt() > killed).count();
                if (idle.equals("IDLE load=0") && after >= ticksAfterKills) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "not done: " + idle + ", " + after + " ticks after the"
                        + " kills; output: " + last.output);
            }
            for (ChildJvm c : stopped) {
                c.terminate();
            }
            for (ChildJvm c : stopped) {
                c.awaitExit();
            }
        } finally {
            for (ChildJvm c : children) {
                c.close();
            }
        }
        checkRetrying(queue, runs, argsById, kills, ticksAfterKills, lastKill, survivors == 0);
    }

    /** The accounting of {@link #runRetrying}. */
    private void checkRetrying(TaskQueue queue, List<Run> runs, Map<Long, Enqueued> argsById, int kills,
                               int ticksAfterKills, long lastKill, boolean alone) throws Exception {
        Map<List<Long>, Start> starts = new HashMap<>(); // (id, attempt)
        Map<List<Long>, String[]> ends = new HashMap<>();
        Map<Long, Start> ticks = new TreeMap<>(); // by scheduledAt
        Map<Long, Integer> attemptsStarted = new HashMap<>();
        List<String> twice = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Start s : startsOf(runs)) {
            if (starts.put(List.of(s.id(), (long) s.attempt()), s) != null) {
                twice.add("task " + s.id() + " attempt " + s.attempt());
            }
            attemptsStarted.merge(s.id(), 1, Integer::sum);
            if (s.n() < 0 && ticks.put(s.scheduledAt(), s) != null) {
                twice.add("tick " + Instant.ofEpochMilli(s.scheduledAt()));
            }
        }
        for (Run run : runs) {
            for (String[] e : lines(run.log(), 'E', 5)) {
                List<Long> key = List.of(Long.parseLong(e[1]), Long.parseLong(e[2]));
                if (ends.put(key, e) != null || !starts.containsKey(key)) {
                    errors.add("end without its one start: " + String.join(" ", e));
                }
            }
        }
        assertEquals(List.of(), twice, "started twice");

        // What was running at each kill; nothing at a stop.
        Map<Run, Integer> unended = new HashMap<>();
        starts.forEach((key, s) -> {
            if (!ends.containsKey(key)) {
                unended.merge(s.run(), 1, Integer::sum);
            }
        });
        unended.forEach((run, n) -> {
            if (!run.killed()) {
                errors.add(run.log().getFileName() + ", stopped gracefully, left " + n + " attempts unended");
            } else if (n > WORKERS) {
                errors.add(run.log().getFileName() + " had " + n + " attempts running at the kill");
            }
        });

        // Each FLAKY task: done, kept failed, or kept as interrupted by a kill (or lost to one: none, since the
        // records of running attempts; still counted, so that a loss shows as one).
        Map<Long, Integer> failedAttempts = new HashMap<>();
        Map<Long, Integer> interruptedAttempt = new HashMap<>();
        int ticksInterrupted = 0;
        for (FailedTask f : queue.failedTasks(argsById.size() + 10_000)) {
            if (!f.reason().startsWith("interrupted: foreman ")) {
                failedAttempts.put(f.id(), f.attempts());
            } else if (f.taskName().equals(ChildMain.FLAKY.name())) {
                interruptedAttempt.put(f.id(), f.attempts());
            } else {
                ticksInterrupted++;
            }
        }
        int interrupted = 0;
        int interruptedAtClaim = 0;
        int misreported = 0;
        int max = ChildMain.FLAKY.retry().maxAttempts();
        int done = 0;
        int kept = 0;
        int lost = 0;
        int lostAtClaim = 0;
        for (Map.Entry<Long, Enqueued> task : argsById.entrySet()) {
            long id = task.getKey();
            int failures = ChildMain.failures(task.getValue().n());
            int lastAttempt = Math.min(failures + 1, max);
            int l = 0;
            while (starts.containsKey(List.of(id, (long) l + 1))) {
                l++;
            }
            String what = "task " + id + " (args " + task.getValue().n() + ", attempts started " + l
                    + (l == 0 ? "" : ", the last in " + starts.get(List.of(id, (long) l)).run().log().getFileName())
                    + "): ";
            Integer stopped = interruptedAttempt.remove(id);
            if (stopped != null) {
                String lastEnded = l == 0 ? null : outcome(ends.get(List.of(id, (long) l)));
                if (stopped == l && lastEnded == null && starts.get(List.of(id, (long) l)).run().killed()) {
                    interrupted++; // running at a kill
                } else if (stopped == l + 1 && (l == 0 || "retry".equals(lastEnded))
                        && runs.stream().anyMatch(Run::killed)) {
                    interruptedAtClaim++; // claimed by a process killed before its handler logged the start
                } else if (stopped == l && "ok".equals(lastEnded)) {
                    misreported++; // finished just before the kill, its record not yet removed
                    done++;
                } else {
                    errors.add(what + "kept as interrupted at attempt " + stopped + ", the last ended " + lastEnded);
                }
                continue;
            }
            if (l == 0 && !attemptsStarted.containsKey(id)
                    && runs.stream().anyMatch(r -> r.killed() && r.killedTo() >= task.getValue().at())) {
                lostAtClaim++; // claimed by a process killed before its handler logged the start
                continue;
            }
            if (l == 0 || l > lastAttempt || attemptsStarted.get(id) != l) {
                errors.add(what + "attempts started are not 1.." + lastAttempt + " or fewer");
                continue;
            }
            for (int a = 1; a <= l; a++) {
                String expected = a > failures ? "ok" : a < max ? "retry" : "failed";
                String end = outcome(ends.get(List.of(id, (long) a)));
                if (end == null ? a < l && !starts.get(List.of(id, (long) a)).run().killed()
                        : !end.equals(expected)) {
                    errors.add(what + "attempt " + a + " ended " + end + ", expected " + expected);
                }
            }
            String[] lastEnd = ends.get(List.of(id, (long) l));
            String end = outcome(lastEnd);
            Integer keptAttempts = failedAttempts.remove(id);
            if (keptAttempts != null) {
                if (failures < max || keptAttempts != max || l != max || end != null && !end.equals("failed")) {
                    errors.add(what + "kept failed with attempts=" + keptAttempts);
                }
                kept++;
            } else if ("ok".equals(end)) {
                done++;
            } else if (end == null && starts.get(List.of(id, (long) l)).run().killed()) {
                lost++;
            } else if ("retry".equals(end) && runs.stream().anyMatch(r -> r.killed()
                    && r.killedTo() >= Long.parseLong(lastEnd[4]))) {
                lostAtClaim++; // claimed by a process killed before its handler logged the start
            } else {
                errors.add(what + "neither done, kept failed nor lost to a kill; attempt " + l + " ended " + end);
            }
        }
        if (!failedAttempts.isEmpty() || !interruptedAttempt.isEmpty()) {
            errors.add("kept failed but not enqueued here: " + failedAttempts + ", " + interruptedAttempt);
        }
        long queued = queue.database().autocommit(d -> d.fetchCount(DBMQ_TASK,
                DBMQ_TASK.TASK_NAME.eq(ChildMain.FLAKY.name())));
        long instances = queue.database().autocommit(d -> d.fetchCount(DBMQ_TASK,
                DBMQ_TASK.UNIQUE_KEY.eq(RecurringTasks.key(ChildMain.TICK_NAME))));

        // The schedule: on its grid, going on after each kill, every gap explained.
        long period = ChildMain.TICK_PERIOD.toMillis();
        List<Start> ran = new ArrayList<>(ticks.values());
        int missed = 0;
        for (int i = 1; i < ran.size(); i++) {
            Start before = ran.get(i - 1);
            Start next = ran.get(i);
            long gap = next.scheduledAt() - before.scheduledAt();
            if (gap % period != 0) {
                errors.add("tick " + Instant.ofEpochMilli(next.scheduledAt()) + " off the grid");
            } else if (gap > period) {
                missed += (int) (gap / period - 1);
                // The claim of `before` wrote `next`, as the first tick after the claim: late if it started past
                // next - period. Or a tick between them was claimed at c (next - period <= c, since that claim wrote
                // next) by a process that died before logging it, soon after c.
                boolean late = before.startedAt() >= next.scheduledAt() - period;
                boolean killed = runs.stream().anyMatch(r -> r.killed() && r.killedTo() >= next.scheduledAt() - period
                        && r.killedFrom() <= next.scheduledAt() + CLAIM_TO_START.toMillis());
                if (!late && !killed) {
                    errors.add("ticks missed between " + Instant.ofEpochMilli(before.scheduledAt()) + " (started at "
                            + Instant.ofEpochMilli(before.startedAt()) + ") and "
                            + Instant.ofEpochMilli(next.scheduledAt()) + ", with no kill then");
                }
            }
        }
        Map<Path, Long> ticksByRun = new TreeMap<>();
        for (Run run : runs) {
            ticksByRun.put(run.log().getFileName(), ran.stream().filter(t -> t.run() == run).count());
        }
        for (Run run : runs) {
            if (alone && ticksByRun.get(run.log().getFileName()) == 0) {
                errors.add(run.log().getFileName() + " ran no tick");
            }
        }
        long afterKills = ran.stream().filter(t -> t.scheduledAt() > lastKill).count();
        System.out.printf("kill test with retries on %s: %d tasks (%d attempts), %d kills: %d done, %d kept failed,"
                        + " %d kept as interrupted running + %d claimed (%d more had finished; bound %d), %d lost"
                        + " running + %d lost claimed; %d ticks (%d after the kills, %d missed, %d interrupted),"
                        + " by process %s%n",
                queue.backend().describe(), argsById.size(), starts.size() - ticks.size(), kills, done, kept,
                interrupted, interruptedAtClaim, misreported, kills * WORKERS, lost, lostAtClaim, ran.size(),
                afterKills, missed, ticksInterrupted, ticksByRun);
        assertEquals(List.of(), errors);
        assertEquals(0, queued, "FLAKY tasks still queued");
        assertEquals(1, instances, "pending instances of the schedule");
        assertEquals(0, lost + lostAtClaim, "tasks lost to a kill, not kept as interrupted");
        assertTrue(interrupted + interruptedAtClaim + misreported + ticksInterrupted <= kills * WORKERS,
                "more kept as interrupted than " + kills * WORKERS);
        assertTrue(afterKills >= ticksAfterKills, afterKills + " ticks after the kills");
        assertEquals(argsById.size(), done + kept + interrupted + interruptedAtClaim + lost + lostAtClaim);
    }

    private static String outcome(String[] end) {
        return end == null ? null : end[3];
    }

    /** The complete lines of a log that start with {@code kind}, split, with {@code fields} fields. */
    private static List<String[]> lines(Path log, char kind, int fields) throws Exception {
        List<String[]> lines = new ArrayList<>();
        if (!Files.exists(log)) {
            return lines;
        }
        String text = Files.readString(log);
        // Lines end with a newline; text after the last one is a write cut short by the kill.
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            String[] f = line.split(" ");
            if (!line.isEmpty() && line.charAt(0) == kind) {
                assertEquals(fields, f.length, "log line " + line);
                lines.add(f);
            }
        }
        return lines;
    }

    private static List<Start> startsOf(List<Run> runs) throws Exception {
        List<Start> starts = new ArrayList<>();
        for (Run run : runs) {
            for (String[] s : lines(run.log(), 'S', 4)) {
                starts.add(new Start(Long.parseLong(s[1]), Integer.parseInt(s[2]), Integer.parseInt(s[3]), 0, 0,
                        run));
            }
            for (String[] t : lines(run.log(), 'T', 4)) {
                starts.add(new Start(Long.parseLong(t[1]), 1, -1, Long.parseLong(t[2]), Long.parseLong(t[3]), run));
            }
        }
        return starts;
    }

    /** 3 producers of {@code perProducer} tasks each; the foreman is killed {@code kills} times, then one drains. */
    private void run(String db, TaskQueue queue, int perProducer, int kills, boolean atLeastOnce) throws Exception {
        String foremanMode = atLeastOnce ? "recording-foreman-alo" : "recording-foreman";
        List<ChildJvm> producers = new ArrayList<>();
        List<Path> killedLogs = new ArrayList<>();
        try {
            for (int p = 0; p < 3; p++) {
                producers.add(ChildJvm.start("produce", db, Integer.toString(p * perProducer),
                        Integer.toString(perProducer)));
            }
            for (int k = 0; k < kills; k++) {
                Path log = dir.resolve("foreman-" + k + ".log");
                try (ChildJvm foreman = ChildJvm.start(foremanMode, db, log.toString(),
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
        drain(db, finalLog, foremanMode);
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
        int total = 3 * perProducer;
        if (atLeastOnce) {
            Set<Integer> ranInKilled = new HashSet<>();
            for (Path file : killedLogs) {
                ranInKilled.addAll(Log.read(file).ran());
            }
            System.out.printf("at-least-once kill test on %s: %d tasks, %d kills, %d ran twice (bound %d), %d kept"
                            + " as failed, %d never ran%n", db.startsWith("pg:") ? "PostgreSQL" : "SQLite", total,
                    kills, twice.size(), lostBound, queue.failedTasks(total).size(), total - runs.size());
            assertEquals(total, runs.size(), "every task ran at least once");
            assertEquals(List.of(), queue.failedTasks(10), "none kept as interrupted: each ran again");
            assertTrue(twice.size() <= lostBound, twice.size() + " ran twice, more than " + lostBound);
            assertEquals(List.of(), twice.stream().filter(n -> !ranInKilled.contains(n)).toList(),
                    "ran twice but never in a killed foreman");
            return;
        }
        assertEquals(List.of(), twice, "tasks that ran twice");
        // The last foreman's start kept what the killed ones were running as interrupted.
        Set<Integer> interrupted = interruptedArgs(queue);
        Set<Integer> accounted = new HashSet<>(runs.keySet());
        accounted.addAll(interrupted);
        int missing = total - accounted.size();
        long misreported = interrupted.stream().filter(runs::containsKey).count();
        System.out.printf("kill test on %s: %d tasks, %d kills, %d kept as interrupted (%d of them had finished;"
                        + " bound %d), %d missing%n", db.startsWith("pg:") ? "PostgreSQL" : "SQLite", total, kills,
                interrupted.size(), misreported, lostBound, missing);
        assertEquals(0, missing, "tasks neither run nor kept as interrupted");
        assertTrue(interrupted.size() <= lostBound, interrupted.size() + " interrupted, more than " + lostBound);
        assertEquals(interrupted.size(), queue.failedTasks(total).size(), "failed tasks other than interrupted");
    }

    /** The args {@code n} of the tasks kept as failed, {@code interrupted}; each Echo args. */
    private static Set<Integer> interruptedArgs(TaskQueue queue) {
        Set<Integer> n = new HashSet<>();
        for (FailedTask f : queue.failedTasks(100_000)) {
            if (f.reason().startsWith("interrupted: foreman ")) {
                n.add(Integer.parseInt(f.args().replaceAll("[^0-9]", "")));
            }
        }
        return n;
    }

    /** A recording foreman that runs what is left queued and stops once it finds the queue empty. */
    private static void drain(String db, Path log) throws Exception {
        drain(db, log, "recording-foreman");
    }

    private static void drain(String db, Path log, String mode) throws Exception {
        try (ChildJvm last = ChildJvm.start(mode, db, log.toString(), Integer.toString(WORKERS))) {
            last.await("STARTED");
            while (!last.await("IDLE").equals("IDLE pending=0")) {
                // each IDLE line is the foreman finding the queue empty; wait for one with nothing left
            }
            last.terminate();
            last.awaitExit();
        }
    }
}
