package dev.dbmq.micrometer;

import dev.dbmq.QueueStats;
import dev.dbmq.TaskQueue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's backlog as Micrometer gauges, read from the database (so every process sees the same):
 * <ul>
 * <li>{@code dbmq.tasks.pending}, tagged {@code task}: pending tasks of that name, due or scheduled. A gauge is added
 * for each name the first time the stats show it, and stays (at 0 when none is pending);
 * <li>{@code dbmq.tasks.oldest.age}: how long the most overdue due task has waited since its due time; 0 when none
 * is due.
 * </ul>
 *
 * <pre>{@code
 * new QueueMetrics(queue).bindTo(registry);
 * }</pre>
 *
 * <p>One {@link TaskQueue#stats()} read serves all the gauges for {@code maxStaleness} (default 1 s), so a scrape
 * costs one read, not one per gauge. Gauges are read on the registry's threads (a scrape, a publish); the reads are
 * serialised here. When the database can't be read the gauges report NaN, and the failure is logged at WARN once
 * until a read succeeds again.
 */
public final class QueueMetrics implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);

    private final TaskQueue queue;
    private final long maxStalenessNanos;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    // guarded by this
    private QueueStats stats;
    private long readAtNanos;
    private boolean failing;

    public QueueMetrics(TaskQueue queue) {
        this(queue, Duration.ofSeconds(1));
    }

    /** @param maxStaleness how long one stats read serves the gauges; 0 reads on every gauge read */
    public QueueMetrics(TaskQueue queue, Duration maxStaleness) {
        this.queue = Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(maxStaleness, "maxStaleness");
        if (maxStaleness.isNegative() || maxStaleness.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("maxStaleness must be between 0 and 1 hour, was " + maxStaleness);
        }
        this.maxStalenessNanos = maxStaleness.toNanos();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        TimeGauge.builder("dbmq.tasks.oldest.age", this, TimeUnit.MILLISECONDS, QueueMetrics::oldestAgeMillis)
                .description("How long the most overdue due task has waited since its due time")
                .strongReference(true).register(registry);
        for (String name : names) {
            pendingGauge(registry, name);
        }
        stats(); // registers the names pending now
    }

    private double oldestAgeMillis() {
        QueueStats s = stats();
        return s == null ? Double.NaN : s.oldestTaskAge().toMillis();
    }

    private double pending(String name) {
        QueueStats s = stats();
        return s == null ? Double.NaN : s.pendingByName().getOrDefault(name, 0L);
    }

    private void pendingGauge(MeterRegistry registry, String name) {
        Gauge.builder("dbmq.tasks.pending", this, m -> m.pending(name))
                .description("Pending tasks of this name, due or scheduled")
                .tag("task", name).strongReference(true).register(registry);
    }

    /** The stats, read again when older than maxStaleness; null while the database can't be read. */
    private synchronized QueueStats stats() {
        long now = System.nanoTime();
        if (stats != null && now - readAtNanos <= maxStalenessNanos) {
            return stats;
        }
        try {
            stats = queue.stats();
            readAtNanos = now;
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("dbmq queue metrics: cannot read the queue's stats, its gauges are NaN until it can: {}",
                        e.toString());
            }
            failing = true;
            stats = null;
            return null;
        }
        for (Map.Entry<String, Long> e : stats.pendingByName().entrySet()) {
            if (names.add(e.getKey())) {
                for (MeterRegistry registry : registries) {
                    pendingGauge(registry, e.getKey());
                }
            }
        }
        return stats;
    }
}
