package dev.dbmq;

import dev.dbmq.internal.HistoryStore;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A foreman's first-use work, done by {@link Foreman.Builder#start()} on the caller's thread before the foreman's
 * threads run, holding nothing a producer waits for.
 *
 * <p>Why: in a fresh JVM the first statement through jOOQ is slow (its DSL classes, every dialect's data types, the
 * first rendering of each kind of statement), and so is the first decode of an args type (Jackson builds its
 * deserializer). The foreman's threads did that work inside the statements they run, so while holding what producers
 * need too: SQLite's one connection (its lock), or a pooled PostgreSQL connection. Every producer of the JVM waited,
 * and the first enqueues after start() took many times as long as with no foreman (queue-bench's
 * {@code ForemanStartBenchmark}).
 *
 * <p>So each statement the foreman's threads run (the claim and the next due time, the look for unhandled tasks and
 * keeping them, recurring instances, retries, kept failures, put-backs, counts, history and its pruning, the records
 * of running attempts) is run once here, with the foreman's task names, on the database's {@code Database.offline()}
 * context: same dialect and settings, a mock connection that returns one row, no lock. jOOQ's classes are loaded,
 * including those that read a row, and what is rendered once and cached (SQLite's claim by name) is cached; the
 * foreman's first real statements then only render, bind and run. Jackson's decoding path is loaded on types of dbmq's
 * own, and each handled args type's deserializer is built, without running application code.
 *
 * <p>What it gives up: start() takes that time instead (in a fresh JVM most of what the producers used to wait; in a
 * JVM that has run these statements before, little), so the foreman is ready when start() returns, and nobody else
 * waits for it. The list below must follow the statements the foreman runs: {@code StartStallTest} fails when a
 * foreman thread loads a jOOQ or Jackson class while producers can't enqueue. Not covered: an args type's own
 * deserializers and Jackson modules, first used at its first claim. Best effort: a statement that fails here is logged
 * at DEBUG and fails again where it runs for real, with its own error.
 */
final class ForemanWarmUp {

    private static final Logger log = LoggerFactory.getLogger(ForemanWarmUp.class);

    private ForemanWarmUp() {
    }

    static void run(Storage storage, Handlers handlers, RecurringTasks recurring, ArgsCodec codec, long nowMillis) {
        long t0 = System.nanoTime();
        List<String> names = handlers.names();
        DSLContext dsl = storage.database().offline();
        TaskStore.Row row = new TaskStore.Row(-1, names.get(0), "{}", nowMillis, nowMillis, 1, null, null, null,
                dev.dbmq.Task.DEFAULT_PRIORITY, null);
        // Claimer: the claim and, after a claim that was not full, the next due time; rejected tasks kept
        for (List<String> lane : handlers.namesByLane().values()) { // each lane claims its own names
            step("claim", () -> TaskStore.claim(storage, dsl, 1, lane, nowMillis));
            step("next due time", () -> storage.nextDueAt(dsl, lane));
        }
        step("lane paused", () -> storage.lanePaused(dsl, "warm-up")); // read by every claim of a lane
        step("keep failed", () -> TaskStore.keepFailed(dsl, row, nowMillis, "warm-up"));
        // Claimer.checkUnhandled, at start and every few minutes
        step("unhandled", () -> TaskStore.pendingOtherThan(dsl, names, 2)); // 2: the first name and the next
        step("take unhandled", () -> TaskStore.takeUnhandled(storage.claimForm(), dsl, "warm-up", nowMillis, 1));
        // RecurringTasks: ensureScheduled and reportUnregistered (start() runs them next, inside the lock) and
        // writeNext (in claims)
        step("recurring", () -> recurring.warmUp(dsl, nowMillis));
        step("unregistered recurring", () -> recurring.unregistered(storage, dsl, names));
        // TaskRunner (workers): a retry, a failure kept
        step("retry", () -> TaskStore.insertRetry(dsl, row, nowMillis));
        // Claimer.giveBack; TaskCounters.flush
        step("put back", () -> TaskStore.putBack(dsl, List.of(row)));
        step("counts", () -> TaskStore.addCounts(dsl, Map.of(row.taskName(), new long[] {1, 0})));
        step("counts per minute", () -> HistoryStore.addMinutes(dsl,
                Map.of(new HistoryStore.Minute(row.taskName(), 0), new long[] {1, 0})));
        step("history", () -> HistoryStore.insert(dsl, List.of(new HistoryStore.Entry(-1, row.taskName(), 1,
                FinishedAttempt.Outcome.SUCCEEDED.name(), nowMillis, nowMillis, nowMillis, "warm-up", null))));
        // The records of running attempts: written by claims and hand-overs, removed by them, by outcomes and flushes
        RunningStore.Entry entry = new RunningStore.Entry(row, 0, null);
        step("record running", () -> RunningStore.record(dsl, List.of(entry), "warm-up", nowMillis));
        step("record running here", () -> storage.recordRunning(dsl, List.of(entry), "warm-up", nowMillis));
        step("clear running", () -> RunningStore.clear(dsl, "warm-up", List.of(0, 1)));
        step("clear running here", () -> storage.clearRunning(dsl, "warm-up", List.of(0)));
        step("end running", () -> RunningStore.end(dsl, "warm-up", 0, -1, 1));
        // RunningWatch, each second while tasks run: progress written, own records read back
        step("progress", () -> RunningStore.progress(dsl, "warm-up", 0, -1, 0.5, "warm-up"));
        step("own records", () -> RunningStore.own(dsl, "warm-up"));
        // Settlement, at start and (PostgreSQL) each second
        step("foremen with records", () -> RunningStore.foremenOtherThan(dsl, "warm-up"));
        step("settle", () -> RunningStore.take(dsl, List.of("warm-up")));
        // HistoryPruning, each second
        step("prune history", () -> HistoryStore.prune(dsl, nowMillis));
        step("prune counts per minute", () -> HistoryStore.pruneMinutes(dsl, 0));
        step("decoding", codec::warmUpDecoding);
        for (String name : names) {
            Class<?> type = handlers.find(name).task().argsType();
            step("decode " + type.getName(), () -> codec.prepareDecode(type));
        }
        log.debug("Foreman warm-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    private static void step(String what, Runnable statement) {
        try {
            statement.run();
        } catch (Throwable t) {
            log.debug("Foreman warm-up: {} failed on the offline connection ({}); it runs for real later", what,
                    t.toString());
        }
    }
}
