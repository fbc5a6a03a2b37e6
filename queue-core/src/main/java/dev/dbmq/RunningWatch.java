package dev.dbmq;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.RunningStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A foreman's watch over running attempts, about once a second, on a thread of its own (so the loop stays about
 * claiming):
 * <ul>
 * <li>where several foremen share a database (PostgreSQL), it settles the records of foremen that are gone
 * ({@link Settlement}), busy or idle, so an at-least-once task of a foreman killed on another host runs again within
 * about a second plus the time the server takes to see its session end;
 * <li>while tasks run, it writes the progress their handlers reported since, and reads its own records back: a record
 * marked by {@code TaskQueue.cancel} stops its attempt ({@link AttemptControl.Stop#CANCELLED}), and a record that is
 * gone was settled by another foreman that took this one for gone ({@link AttemptControl.Stop#SETTLED}). One write
 * transaction when there is progress to write, one read; nothing while no task runs.
 * <li>it prunes the history ({@link HistoryPruning}).
 * </ul>
 * Never throws: a failure is logged at DEBUG (the next second tries again) and at WARN once in a row.
 */
final class RunningWatch implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RunningWatch.class);

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String foremanId;
    private final Database database;
    private final RunningRecords records;
    private final Runnable settle; // null: one foreman at a time, nobody to settle while this one runs
    private final HistoryPruning pruning;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean failing; // the watch thread's

    RunningWatch(String foremanId, Database database, RunningRecords records, Runnable settle,
                 HistoryPruning pruning) {
        this.pruning = pruning;
        this.foremanId = foremanId;
        this.database = database;
        this.records = records;
        this.settle = settle;
    }

    @Override
    public void run() {
        try {
            while (!stopped.await(INTERVAL_NANOS, TimeUnit.NANOSECONDS)) {
                tick();
            }
        } catch (InterruptedException e) {
            // close() interrupts only after stop(): done
        }
    }

    void stop() {
        stopped.countDown();
    }

    /** One round; never throws. */
    void tick() {
        if (settle != null) {
            settle.run(); // never throws
        }
        pruning.run(); // never throws
        Collection<RunningRecords.Attempt> running = records.running();
        if (running.isEmpty()) {
            return;
        }
        try {
            Map<RunningRecords.Attempt, AttemptControl.Progress> reports = new HashMap<>();
            for (RunningRecords.Attempt a : running) {
                AttemptControl.Progress p = a.control().unwritten();
                if (p != null) {
                    reports.put(a, p);
                }
            }
            if (!reports.isEmpty()) {
                database.transaction(dsl -> {
                    reports.forEach((a, p) -> RunningStore.progress(dsl, foremanId, a.slot(), a.taskId(),
                            p.fraction(), p.note()));
                    return null;
                });
                reports.forEach((a, p) -> a.control().written(p));
            }
            List<RunningStore.Own> own = database.autocommit(dsl -> RunningStore.own(dsl, foremanId));
            Map<Integer, RunningStore.Own> bySlot = new HashMap<>();
            own.forEach(o -> bySlot.put(o.slot(), o));
            List<Long> cancelled = new ArrayList<>();
            for (RunningRecords.Attempt a : running) {
                RunningStore.Own o = bySlot.get(a.slot());
                if (o == null || o.taskId() != a.taskId()) {
                    // Settled by another foreman (or the attempt ended and its slot moved on since: then no harm,
                    // a control that ended interrupts nobody).
                    a.control().stop(AttemptControl.Stop.SETTLED);
                } else if (o.cancelRequested() && a.control().stopped() == null) {
                    a.control().stop(AttemptControl.Stop.CANCELLED);
                    cancelled.add(a.taskId());
                }
            }
            if (!cancelled.isEmpty()) {
                log.info("Foreman {}: asking cancelled tasks to stop: {}", foremanId, cancelled);
            }
            failing = false;
        } catch (Throwable t) {
            if (!failing) {
                log.warn("Foreman {}: cannot write progress or read cancel requests ({}); will try again each second",
                        foremanId, t.toString());
            }
            failing = true;
        }
    }
}
