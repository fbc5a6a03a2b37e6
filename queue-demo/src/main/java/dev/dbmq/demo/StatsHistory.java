package dev.dbmq.demo;

import dev.dbmq.QueueStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A ring of {@link QueueStats} samples, from which the server derives what no single read of the database gives:
 * tasks done and failed over the last minute, queue depth and throughput over the last minutes, and whether the
 * queue is stalled. Works the same whether the foreman runs in this process or another, because the counts it reads
 * are the ones foremen persist (about once a second, so a single interval can show a flush's worth of work twice and
 * the next none).
 *
 * <p>Rates are counts over the window actually covered: a server 15 s old reports "501 done in the last 15 s", never
 * a per-minute figure extrapolated from 15 s of data.
 *
 * <p>Thread-safe: the sampler adds, HTTP threads read; all under this object's lock.
 */
final class StatsHistory {

    /** The longest window of the rates. */
    static final long RATE_WINDOW_MILLIS = 60_000;
    /**
     * A queue is stalled when tasks wait, the oldest has waited longer than this, and no task finished during the
     * last this long (which takes this long of samples to know).
     */
    static final long STALL_MILLIS = 30_000;

    /** One sample: when it was read and what. */
    record Sample(long atMillis, QueueStats stats) {
    }

    /** One point of the chart: the queue depth at {@code atMillis}, and tasks finished since the previous point. */
    record Point(long atMillis, long pending, long done, long failed) {
    }

    /**
     * One task type: totals as of the latest sample, and how many finished during the rates' window.
     *
     * @param doneInWindow   done during {@link Rates#windowMillis()}
     * @param failedInWindow failed during {@link Rates#windowMillis()}
     */
    record Rate(long done, long failed, long doneInWindow, long failedInWindow) {
    }

    /**
     * Per task type, sorted by name, over one window.
     *
     * @param windowMillis the time the window actually covers: up to {@link #RATE_WINDOW_MILLIS}, less while the
     *                     history is younger; 0 with a single sample
     */
    record Rates(long windowMillis, Map<String, Rate> tasks) {
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

    /** Totals as of the latest sample, and what finished since the oldest sample inside the window. */
    synchronized Rates rates() {
        Map<String, Rate> rates = new TreeMap<>();
        Sample last = samples.peekLast();
        if (last == null) {
            return new Rates(0, rates);
        }
        Sample base = oldestWithin(last, RATE_WINDOW_MILLIS);
        last.stats().counts().forEach((task, now) -> {
            QueueStats.TaskCounts then = base.stats().counts().getOrDefault(task, new QueueStats.TaskCounts(0, 0));
            rates.put(task, new Rate(now.done(), now.failed(), now.done() - then.done(),
                    now.failed() - then.failed()));
        });
        return new Rates(last.atMillis() - base.atMillis(), rates);
    }

    /**
     * Whether the queue is stalled as of the latest sample: tasks pending, the oldest waiting over
     * {@link #STALL_MILLIS}, and no task done or failed in the last {@link #STALL_MILLIS}. False until the history
     * covers that long, as until then "nothing finished" is not known. (All workers busy on tasks longer than
     * {@link #STALL_MILLIS} also reads as stalled; the demo's tasks take under a second.)
     */
    synchronized boolean stalled() {
        Sample last = samples.peekLast();
        if (last == null || last.stats().pending() == 0
                || last.stats().oldestTaskAge().toMillis() <= STALL_MILLIS) {
            return false;
        }
        Sample base = newestAtLeast(last, STALL_MILLIS);
        return base != null && finished(base) == finished(last);
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

    /** The oldest sample at most {@code millis} before {@code last}; {@code last} itself at worst. */
    private Sample oldestWithin(Sample last, long millis) {
        for (Sample s : samples) { // oldest first
            if (last.atMillis() - s.atMillis() <= millis) {
                return s;
            }
        }
        return last;
    }

    /** The newest sample at least {@code millis} before {@code last}, or null when the history is younger. */
    private Sample newestAtLeast(Sample last, long millis) {
        Sample found = null;
        for (Sample s : samples) { // oldest first
            if (last.atMillis() - s.atMillis() < millis) {
                break;
            }
            found = s;
        }
        return found;
    }

    private static long finished(Sample s) {
        return total(s, true) + total(s, false);
    }

    private static long total(Sample s, boolean done) {
        long sum = 0;
        for (QueueStats.TaskCounts c : s.stats().counts().values()) {
            sum += done ? c.done() : c.failed();
        }
        return sum;
    }
}
