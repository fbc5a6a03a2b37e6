package dev.dbmq.spring;

import dev.dbmq.Foreman;
import dev.dbmq.QueueStats;
import dev.dbmq.TaskQueue;
import java.time.Duration;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code dbmq}: DOWN only for what restarting or taking this node out of service can fix, since load balancers and
 * orchestrators act on it. That is: the queue's database can't be read (the stats' query fails, with the exception;
 * enqueues fail too), or this application's foreman has {@link Foreman.State#FAILED failed} (a thread of it died; only
 * a new foreman, i.e. a restart, claims again).
 *
 * <p>A backlog is not such a thing: taking nodes away leaves fewer workers for it, and on a node that only enqueues
 * ({@code dbmq.foreman.enabled=false}, e.g. the web tier) it is the workers' matter, not this node's. So the queue's
 * counts and the oldest due task's age are details, for dashboards and alerts (queue-micrometer's gauges are the
 * better source), and DOWN for a backlog is opt-in: with {@code dbmq.health.max-oldest-age} set, a node that runs a
 * foreman is DOWN when the most overdue due task has waited longer than that; a node that runs none only notes it.
 */
final class DbmqHealthIndicator extends AbstractHealthIndicator {

    private final TaskQueue queue;
    private final Duration maxOldestAge; // null: no backlog rule
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
        builder.withDetail("pending", stats.pending())
                .withDetail("running", stats.running())
                .withDetail("runningByName", stats.runningByName())
                .withDetail("due", stats.due())
                .withDetail("scheduled", stats.scheduled())
                .withDetail("oldestTaskAge", stats.oldestTaskAge().toString())
                .withDetail("failedKept", stats.failedKept());
        if (maxOldestAge != null) {
            builder.withDetail("maxOldestAge", maxOldestAge.toString());
        }
        Foreman.State state = null;
        if (foreman == null) {
            builder.withDetail("foreman", "DISABLED");
        } else {
            Foreman f = foreman.foreman();
            state = f == null ? null : f.state();
            builder.withDetail("foreman", state == null ? "NOT_STARTED" : state.name());
            if (f != null) {
                builder.withDetail("busyWorkers", f.busyWorkers());
            }
        }
        Verdict verdict = judge(foreman != null, state, stats.oldestTaskAge(), maxOldestAge);
        if (verdict.down()) {
            builder.down();
        } else {
            builder.up();
        }
        if (verdict.reason() != null) {
            builder.withDetail(verdict.down() ? "reason" : "note", verdict.reason());
        }
    }

    /**
     * Whether this node is DOWN, and why (or, when UP, what an operator should still see; null: nothing).
     *
     * @param foremanHere   whether this node runs a foreman ({@code dbmq.foreman.enabled})
     * @param state         its state, null before it started (or when there is none)
     * @param oldestTaskAge how long the most overdue due task has waited
     * @param maxOldestAge  the opt-in backlog rule, null when off
     */
    static Verdict judge(boolean foremanHere, Foreman.State state, Duration oldestTaskAge, Duration maxOldestAge) {
        if (foremanHere && state == Foreman.State.FAILED) {
            return new Verdict(true, "this application's foreman has FAILED (a thread of it died: see its ERROR"
                    + " log line); it claims no more tasks until the application restarts");
        }
        if (maxOldestAge == null || oldestTaskAge.compareTo(maxOldestAge) <= 0) {
            return new Verdict(false, null);
        }
        String backlog = "the oldest due task has waited " + oldestTaskAge + ", over dbmq.health.max-oldest-age ("
                + maxOldestAge + ")";
        if (!foremanHere) {
            return new Verdict(false, backlog
                    + "; not DOWN, as this node runs no foreman (dbmq.foreman.enabled=false)");
        }
        return new Verdict(true, backlog);
    }

    /** @param reason why DOWN; when UP, a note or null */
    record Verdict(boolean down, String reason) {
    }
}
