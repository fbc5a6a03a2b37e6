package dev.dbmq;

import dev.dbmq.internal.TaskStore;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task ready to run: claimed (its row is gone from the queue), with its handler and decoded args, and the worker
 * slot its record is in ({@link RunningRecords}).
 */
record ClaimedTask(TaskStore.Row row, Handlers.Registration<?> registration, Object args, int slot) {

    private static final Logger log = LoggerFactory.getLogger(ClaimedTask.class);

    /** The slot of a task without a record ({@code dbmq_running}): a manual foreman's. */
    static final int NO_SLOT = -1;

    ClaimedTask(TaskStore.Row row, Handlers.Registration<?> registration, Object args) {
        this(row, registration, args, NO_SLOT);
    }

    /** Its record in {@code dbmq_running}: at least once keeps the attempts it may use, for a settlement. */
    dev.dbmq.internal.RunningStore.Entry entry() {
        Task<?> task = registration.task();
        return new dev.dbmq.internal.RunningStore.Entry(row, slot,
                task.delivery() == Delivery.AT_LEAST_ONCE ? Integer.valueOf(task.retry().maxAttempts()) : null);
    }

    long id() {
        return row.id();
    }

    String name() {
        return row.taskName();
    }

    /**
     * Metadata that can't be read (written by something other than dbmq) is logged and left out: it must not keep
     * the task from running.
     */
    TaskContext context(AttemptControl control) {
        Map<String, String> metadata;
        try {
            metadata = TaskMetadata.decode(row.metadata());
        } catch (IllegalArgumentException e) {
            log.warn("Task {} ({}) runs without its metadata: {}", row.id(), row.taskName(),
                    e.getMessage());
            metadata = Map.of();
        }
        // a task due at once (TaskStore.AT_ONCE) was due from its enqueue on
        return new AttemptContext(row.id(), row.attempt(), Instant.ofEpochMilli(Math.max(row.dueAt(), row.createdAt())),
                Instant.ofEpochMilli(row.createdAt()), metadata, control);
    }
}
