package dev.dbmq.bench;

import dev.dbmq.Foreman;
import dev.dbmq.Schedule;
import dev.dbmq.Synchronous;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * Scheduled tasks, recurring (SQLite): {@code Schedule.every(100 ms)} on an otherwise idle foreman for a window of
 * {@code D}: how many ticks ran (expected D / 100 ms), how many grid points got no tick (missed), whether the ticks'
 * {@code ctx.scheduledAt()} stay on the grid (consecutive ticks a whole number of periods apart, counted from the
 * first tick; a tick off the grid is drift), and each tick's lateness: {@link Instant#now()} first thing in the
 * handler minus {@code ctx.scheduledAt()}, p50/p99/max. All in {@code target/scheduled-lateness.json}.
 *
 * <p>One long measurement: a single shot whose window D is the measurement iteration's time ({@code -Djmh.r}, 60 s by
 * default), at least {@value #MIN_WINDOW_MS} ms, so the smoke pass ({@code -Djmh.r=100ms}) runs it for 2 s (about 20
 * ticks). No warm-up iteration: the window itself is long. JMH's score (the single shot's time, the window plus the
 * grace and the stop) is not the measure.
 *
 * <p>The window starts once the foreman has run {@value #WARM_TICKS} ticks (untimed set-up) and ends D later; the
 * ticks due in it count, and the first of them anchors the grid. The benchmark waits a {@link #GRACE} after the window
 * so that a late last tick is seen, not counted as missed.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1, time = 60)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RecurringBenchmark {

    static final Duration PERIOD = Duration.ofMillis(100);
    static final long MIN_WINDOW_MS = 2000;
    static final Duration GRACE = Duration.ofSeconds(1);
    static final int WARM_TICKS = 3;

    record Tick(int n) {
    }

    static final Task<Tick> TICK = Task.of("tick", Tick.class);

    /** What the handler saw of one tick. */
    record Seen(Instant scheduledAt, Instant startedAt) {
    }

    @State(Scope.Benchmark)
    public static class Ticks {
        Path dir;
        TaskQueue queue;
        Foreman foreman;
        BenchmarkParams params;
        Duration window;
        final List<Seen> seen = new ArrayList<>();
        final CountDownLatch warm = new CountDownLatch(WARM_TICKS);
        String result;

        @Setup(Level.Trial)
        public void trial(BenchmarkParams params) {
            this.params = params;
        }

        /**
         * Untimed: a fresh queue (a pending instance left by an earlier iteration would be a missed tick at start)
         * and a foreman that has run {@value #WARM_TICKS} ticks, so class loading and the foreman's start-up (over a
         * second in a cold JVM on a loaded machine, during which the first ticks are missed) stay out of the window.
         */
        @Setup(Level.Iteration)
        public void open(IterationParams iteration) throws InterruptedException {
            long ms = iteration.getTime().convertTo(TimeUnit.MILLISECONDS);
            window = Duration.ofMillis(Math.max(MIN_WINDOW_MS, ms));
            synchronized (seen) {
                seen.clear();
            }
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
            foreman = Foreman.builder(queue)
                    .handle(TICK, (args, ctx) -> seen(ctx.scheduledAt(), Instant.now()))
                    .recurring("bench-tick", Schedule.every(PERIOD), TICK, new Tick(1))
                    .stopOnShutdown(false)
                    .start();
            if (!warm.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("fewer than " + WARM_TICKS + " ticks of Schedule.every(" + PERIOD
                        + ") ran within 30 s of the foreman's start");
            }
        }

        void seen(Instant scheduledAt, Instant startedAt) {
            synchronized (seen) {
                seen.add(new Seen(scheduledAt, startedAt));
            }
            warm.countDown();
        }

        @TearDown(Level.Iteration)
        public void close() {
            foreman.close();
            queue.close();
            BenchDb.deleteTree(dir);
        }

        /** The last iteration's figures (one iteration by default). */
        @TearDown(Level.Trial)
        public void write() {
            SideResults.put(SideResults.SCHEDULED, SideResults.key(params), result == null ? "null" : result);
            SideResults.recordLoad(params);
        }
    }

    @Benchmark
    public void every100ms(Ticks s) throws InterruptedException {
        Instant start = Instant.now();
        // The measurement window itself, not a synchronisation: the ticks come on their own schedule. The grace lets
        // a late last tick of the window run before the figures are taken.
        Thread.sleep(s.window.plus(GRACE).toMillis());
        List<Seen> ticks;
        synchronized (s.seen) {
            ticks = new ArrayList<>(s.seen);
        }
        s.result = analyse(ticks, start, start.plus(s.window));
    }

    /** The window's figures as one JSON object; throws when no tick ran at all (the schedule did not work). */
    static String analyse(List<Seen> all, Instant start, Instant end) {
        List<Seen> ticks = new ArrayList<>();
        for (Seen t : all) {
            if (t.scheduledAt().isAfter(start) && !t.scheduledAt().isAfter(end)) {
                ticks.add(t);
            }
        }
        ticks.sort((a, b) -> a.scheduledAt().compareTo(b.scheduledAt()));
        if (ticks.isEmpty()) {
            throw new IllegalStateException("no tick of Schedule.every(" + PERIOD + ") due in the window of "
                    + Duration.between(start, end) + " ran (" + all.size() + " ticks in all)");
        }
        long period = PERIOD.toMillis();
        Instant anchor = ticks.get(0).scheduledAt();
        long expected = Duration.between(start, end).toMillis() / period;
        long gridPoints = Duration.between(anchor, end).toMillis() / period + 1; // from the first tick to the end
        long offGrid = 0;
        long duplicates = 0;
        long maxOffGridMs = 0;
        Set<Long> onGrid = new HashSet<>(); // the grid points (k: anchor + k periods) that ran
        LatencyHistogram lateness = new LatencyHistogram("lateness");
        for (Seen t : ticks) {
            lateness.add(Duration.between(t.scheduledAt(), t.startedAt()).toNanos());
            long fromAnchor = Duration.between(anchor, t.scheduledAt()).toMillis();
            long off = Math.floorMod(fromAnchor, period);
            if (off != 0) {
                offGrid++;
                maxOffGridMs = Math.max(maxOffGridMs, Math.min(off, period - off));
            } else if (!onGrid.add(fromAnchor / period)) {
                duplicates++; // one pending instance per name: two ticks of one grid point break that
            }
        }
        long missed = gridPoints - onGrid.size();
        String h = lateness.toJson();
        return String.format(Locale.ROOT, "{\"window_ms\": %d, \"period_ms\": %d, \"expected\": %d, \"ticks\": %d, "
                        + "\"grid_points_from_first\": %d, \"missed\": %d, \"off_grid\": %d, \"max_off_grid_ms\": %d, "
                        + "\"duplicates\": %d, \"first_after_start_ms\": %d, \"lateness\": %s}",
                Duration.between(start, end).toMillis(), period, expected, ticks.size(), gridPoints, missed, offGrid,
                maxOffGridMs, duplicates, Duration.between(start, anchor).toMillis(), h);
    }
}
