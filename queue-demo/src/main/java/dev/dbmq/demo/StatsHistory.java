package dev.dbmq.demo;

import dev.dbmq.QueueStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A ring of {@link QueueStats} samples, from which the server derives what no single read of the database gives:
 * done and failed per minute, and queue depth and throughput over the last minutes. Works the same whether the
 * foreman runs in this process or another, because the counts it reads are the ones foremen persist (about once a
 * second, so a single interval can show a flush's worth of work twice and the next none).
 *
 * <p>Thread-safe: the sampler adds, HTTP threads read; all under this object's lock.
 */
final class StatsHistory {

    /** The window of the per-minute rates. */
    static final long RATE_WINDOW_MILLIS = 60_000;

    /** One sample: when it was read and what. */
    record Sample(long atMillis, QueueStats stats) {
    }

    /** One point of the chart: the queue depth at {@code atMillis}, and tasks finished since the previous point. */
    record Point(long atMillis, long pending, long done, long failed) {
    }

    /** Done and failed per minute of one task type, over the last {@link #RATE_WINDOW_MILLIS} (or less, early on). */
    record Rate(long done, long failed, double donePerMinute, double failedPerMinute) {
    }

    private final int capacity;
    private final ArrayDeque<Sample> samples;

    StatsHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be >= 2, was " + capacity);
        }
        this.capacity = capacity;
        this.samples = new ArrayDeque<>(capacity);
    }

    synchronized void add(long atMillis, QueueStats stats) {
        if (samples.size() == capacity) {
            samples.removeFirst();
        }
        samples.addLast(new Sample(atMillis, stats));
    }

    synchronized Sample latest() {
        return samples.peekLast();
    }

    /** Per task type, sorted by name: totals as of the latest sample and per-minute rates over the window. */
    synchronized Map<String, Rate> rates() {
        Map<String, Rate> rates = new TreeMap<>();
        Sample last = samples.peekLast();
        if (last == null) {
            return rates;
        }
        Sample base = baseFor(last);
        long elapsed = last.atMillis() - base.atMillis();
        last.stats().counts().forEach((task, now) -> {
            QueueStats.TaskCounts then = base.stats().counts().getOrDefault(task, new QueueStats.TaskCounts(0, 0));
            rates.put(task, new Rate(now.done(), now.failed(), perMinute(now.done() - then.done(), elapsed),
                    perMinute(now.failed() - then.failed(), elapsed)));
        });
        return rates;
    }

    /** The chart's points, oldest first; one fewer than the samples. */
    synchronized List<Point> points() {
        List<Point> points = new ArrayList<>(samples.size());
        Sample previous = null;
        for (Sample s : samples) {
            if (previous != null) {
                points.add(new Point(s.atMillis(), s.stats().pending(), total(s, true) - total(previous, true),
                        total(s, false) - total(previous, false)));
            }
            previous = s;
        }
        return points;
    }

    /** The oldest sample inside the rate window ending at {@code last}. */
    private Sample baseFor(Sample last) {
        for (Sample s : samples) { // oldest first
            if (last.atMillis() - s.atMillis() <= RATE_WINDOW_MILLIS) {
                return s;
            }
        }
        return last;
    }

    private static double perMinute(long delta, long elapsedMillis) {
        return elapsedMillis <= 0 ? 0 : Math.round(delta * 60_000.0 / elapsedMillis * 10) / 10.0;
    }

    private static long total(Sample s, boolean done) {
        long sum = 0;
        for (QueueStats.TaskCounts c : s.stats().counts().values()) {
            sum += done ? c.done() : c.failed();
        }
        return sum;
    }
}
