package dev.dbmq;

import dev.dbmq.internal.ForemanRegistry;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.TaskStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the running attempts of foremen that are gone: each record in {@code dbmq_running} whose foreman the
 * backend judges dead ({@link Storage#foremen}: SQLite by the foreman lock, which the settling foreman holds;
 * PostgreSQL by each foreman's advisory lock, never by a clock) is deleted, in one transaction with what becomes of
 * its task: at most once (the default), kept in the failed-tasks table with a reason that starts with
 * {@code interrupted} ({@code requeueFailed} runs it again by hand); at least once ({@link Delivery#AT_LEAST_ONCE}),
 * written back as its next attempt, due at once, or kept as interrupted when that was its last attempt (a task that
 * keeps killing its foreman ends there, not in a crash loop).
 *
 * <p>A foreman settles at its start (before it claims) and, where several foremen share a database (PostgreSQL),
 * about once a second ({@code RunningWatch}). A foreman that is alive but has
 * lost its liveness lock (PostgreSQL: its LISTEN session dropped, not yet taken again) may have its records settled
 * while its tasks still run (it claims nothing until it holds its lock again). Their outcomes are then fenced: the
 * failed attempt of an at-most-once task is not written over its interrupted record, and an at-least-once task's next
 * attempt is not written twice; a late success of an at-least-once task means it ran twice, as at-least-once
 * allows.
 */
final class Settlement {

    private static final Logger log = LoggerFactory.getLogger(Settlement.class);

    private Settlement() {
    }

    /** Never throws: a failure is logged, and the next poll tries again. Returns what it settled. */
    static List<RunningStore.Running> settleGone(Storage storage, String foremanId, InstantSource clock,
                                                 TaskCounters counters, GuardedListener listener) {
        List<RunningStore.Running> settled;
        try {
            settled = storage.database().transaction(dsl -> {
                List<String> recorded = RunningStore.foremenOtherThan(dsl, foremanId);
                if (recorded.isEmpty()) {
                    return List.of();
                }
                Set<String> alive = storage.foremen(dsl).stream().filter(ForemanRegistry.Row::alive)
                        .map(ForemanRegistry.Row::id).collect(Collectors.toSet());
                List<String> gone = recorded.stream().filter(id -> !alive.contains(id)).toList();
                List<RunningStore.Running> taken = RunningStore.take(dsl, gone);
                long now = clock.millis();
                for (RunningStore.Running r : taken) {
                    if (r.runsAgain()) {
                        TaskStore.insertRetry(dsl, r.task(), now);
                    } else {
                        TaskStore.keepFailed(dsl, r.task(), now, RunningStore.interruptedReason(r));
                    }
                }
                return taken;
            });
        } catch (Throwable t) {
            log.warn("Foreman {}: cannot look for tasks of foremen that are gone ({}); will look again", foremanId,
                    t.toString());
            return List.of();
        }
        if (settled.isEmpty()) {
            return settled;
        }
        Map<String, List<RunningStore.Running>> byForeman = new LinkedHashMap<>();
        settled.forEach(r -> byForeman.computeIfAbsent(r.foremanId(), k -> new ArrayList<>()).add(r));
        byForeman.forEach((gone, tasks) -> {
            List<RunningStore.Running> kept = tasks.stream().filter(r -> !r.runsAgain()).toList();
            List<RunningStore.Running> again = tasks.stream().filter(RunningStore.Running::runsAgain).toList();
            if (!kept.isEmpty()) {
                log.error("Foreman {} ended while {} tasks ran; kept in dbmq_failed_task as interrupted (they may or"
                        + " may not have finished; requeueFailed runs one again): {}", gone, kept.size(), ids(kept));
            }
            if (!again.isEmpty()) {
                log.warn("Foreman {} ended while {} at-least-once tasks ran; each runs again as its next attempt: {}",
                        gone, again.size(), ids(again));
            }
        });
        long now = clock.millis();
        for (RunningStore.Running r : settled) {
            if (!r.runsAgain()) {
                counters.failed(r.task().taskName());
            }
            counters.ended(r.task(), FinishedAttempt.Outcome.INTERRUPTED, r.startedAt(), now, r.foremanId(),
                    r.runsAgain() ? "its foreman ended while it ran; runs again" : RunningStore.interruptedReason(r));
            listener.taskInterrupted(new TaskEvent.Interrupted(r.task().id(), r.task().taskName(), r.task().attempt(),
                    foremanId, r.foremanId(), Instant.ofEpochMilli(r.startedAt()), r.runsAgain(),
                    r.runsAgain() ? null : RunningStore.interruptedReason(r)));
        }
        return settled;
    }

    private static String ids(List<RunningStore.Running> tasks) {
        return tasks.stream().map(r -> r.task().id() + " " + Claimer.printable(r.task().taskName()))
                .collect(Collectors.joining(", "));
    }
}
