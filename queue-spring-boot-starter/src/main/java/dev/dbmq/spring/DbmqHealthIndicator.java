package dev.dbmq.spring;

import dev.dbmq.Foreman;
import dev.dbmq.QueueStats;
import dev.dbmq.TaskQueue;
import java.time.Duration;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code dbmq}: DOWN when this application's foreman is no longer running (a thread of it died: see
 * {@link Foreman.State#FAILED}), or when the most overdue due task has waited longer than
 * {@code dbmq.health.max-oldest-age} (no foreman anywhere keeps up). The stats are read from the database, so a
 * database that can't be read is DOWN too (with the exception).
 */
final class DbmqHealthIndicator extends AbstractHealthIndicator {

    private final TaskQueue queue;
    private final Duration maxOldestAge;
    private final ForemanLifecycle foreman; // null when dbmq.foreman.enabled=false

    DbmqHealthIndicator(TaskQueue queue, Duration maxOldestAge, ForemanLifecycle foreman) {
        super("dbmq health check failed");
        this.queue = queue;
        this.maxOldestAge = maxOldestAge;
        this.foreman = foreman;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        QueueStats stats = queue.stats();
        builder.up()
                .withDetail("pending", stats.pending())
                .withDetail("due", stats.due())
                .withDetail("scheduled", stats.scheduled())
                .withDetail("oldestTaskAge", stats.oldestTaskAge().toString())
                .withDetail("failedKept", stats.failedKept());
        if (foreman != null) {
            Foreman f = foreman.foreman();
            Foreman.State state = f == null ? null : f.state();
            builder.withDetail("foreman", state == null ? "NOT_STARTED" : state.name());
            if (f != null) {
                builder.withDetail("busyWorkers", f.busyWorkers());
            }
            if (state != Foreman.State.RUNNING) {
                builder.down().withDetail("reason", "this application's foreman is not running ("
                        + (state == null ? "not started" : state.name()) + ")");
                return;
            }
        }
        if (stats.oldestTaskAge().compareTo(maxOldestAge) > 0) {
            builder.down().withDetail("reason", "the oldest due task has waited " + stats.oldestTaskAge()
                    + ", over dbmq.health.max-oldest-age (" + maxOldestAge + ")");
        }
    }
}
