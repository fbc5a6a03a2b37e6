package dev.dbmq;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks: one transaction deletes up to {@code limit} of the oldest tasks (at-most-once: a task is gone from
 * the queue before it runs) and, in that same transaction, moves the ones that cannot run (no handler, undecodable
 * args) to the failed-tasks table. So a crash never loses a rejected task, and rejected tasks never take a worker
 * slot (snappea's hang after bad tasks).
 */
final class Claimer {

    private static final Logger log = LoggerFactory.getLogger(Claimer.class);

    /** A task ready to run: claimed, with its handler and decoded args. */
    record ClaimedTask(TaskStore.Row row, Handlers.Registration<?> registration, Object args) {
        long id() {
            return row.id();
        }

        String name() {
            return row.taskName();
        }
    }

    /** @param rows how many tasks were claimed; a full claim ({@code rows == limit}) means there may be more */
    record Claim(int rows, List<ClaimedTask> runnable) {
    }

    private record Rejected(TaskStore.Row row, String reason) {
    }

    private final Database database;
    private final Handlers handlers;
    private final ArgsCodec codec;
    private final InstantSource clock;
    private final TaskCounters counters;
    private final ForemanListener listener;

    Claimer(Database database, Handlers handlers, ArgsCodec codec, InstantSource clock, TaskCounters counters,
            ForemanListener listener) {
        this.database = database;
        this.handlers = handlers;
        this.codec = codec;
        this.clock = clock;
        this.counters = counters;
        this.listener = listener;
    }

    Claim claim(int limit) {
        List<Rejected> rejected = new ArrayList<>();
        List<ClaimedTask> runnable = new ArrayList<>();
        int rows = database.transaction(dsl -> {
            rejected.clear(); // a retried transaction starts over
            runnable.clear();
            List<TaskStore.Row> claimed = TaskStore.claim(dsl, limit);
            long now = clock.millis();
            for (TaskStore.Row row : claimed) {
                Handlers.Registration<?> registration = handlers.find(row.taskName());
                if (registration == null) {
                    rejected.add(new Rejected(row, "no handler for task name \"" + row.taskName() + "\""));
                    continue;
                }
                try {
                    runnable.add(new ClaimedTask(row, registration,
                            codec.decode(row.args(), registration.task().argsType())));
                } catch (Exception e) {
                    rejected.add(new Rejected(row, "args cannot be decoded as "
                            + registration.task().argsType().getName() + ": " + describe(e)));
                }
            }
            for (Rejected r : rejected) {
                TaskStore.keepFailed(dsl, r.row(), now, r.reason());
            }
            return claimed.size();
        });
        for (Rejected r : rejected) {
            // The reason may quote parts of the args: it goes to the database and DEBUG, not to ERROR.
            log.error("Task {} ({}) cannot run; kept in dbmq_failed_task", ShortId.of(r.row().id()),
                    printable(r.row().taskName()));
            log.debug("Task {} rejected: {}", ShortId.of(r.row().id()), r.reason());
            counters.failed(r.row().taskName());
            try {
                listener.taskRejected(r.row().id(), r.row().taskName(), r.reason());
            } catch (RuntimeException e) {
                log.warn("ForemanListener.taskRejected threw", e);
            }
        }
        return new Claim(rows, runnable);
    }

    /** A stored name as it may appear in a log line: written by anyone, so short and without control characters. */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), 100));
        name.codePoints().limit(100).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return name.codePointCount(0, name.length()) > 100 ? sb + "…" : sb.toString();
    }

    private static String describe(Exception e) {
        String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                ? j.getOriginalMessage() : e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
