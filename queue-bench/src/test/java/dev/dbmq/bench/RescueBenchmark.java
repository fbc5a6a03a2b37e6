package dev.dbmq.bench;

import dev.dbmq.Delivery;
import dev.dbmq.Foreman;
import dev.dbmq.Retry;
import dev.dbmq.Synchronous;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
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

/**
 * Rescue: how soon an at-least-once task whose foreman was killed ({@code kill -9} of its JVM, in the middle of the
 * task) runs again. One sample per kill (SingleShotTime); the victim foreman runs in a JVM of its own
 * ({@link RescueVictimMain}), started and given the task before each sample, untimed.
 * <ul>
 * <li>{@link #postgres_killToRerunOnSurvivor}: a surviving foreman runs in this JVM. Timed from the kill to the
 * task's handler starting again on the survivor: the server seeing the victim's session end (its advisory lock
 * freed), the survivor's watch finding the record (about once a second), the settlement writing the next attempt,
 * the survivor's claim. The survivor is started after the victim took the task, so the victim ran it, and the kill
 * comes at a random point of the survivor's watch period (an untimed random wait), as it would in production.
 * <li>{@link #sqlite_startToRerun}: SQLite runs one foreman at a time, so the rescue is the next foreman's start.
 * Timed from {@code start()} called to the task's handler starting: the start's settlement and first claim.
 * </ul>
 * Each sample costs a JVM start, untimed; the result lists every sample (SingleShotTime), so its maximum is the
 * worst seen.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 15)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RescueBenchmark {

    /** How often a foreman's watch looks for foremen that are gone (dev.dbmq.RunningWatch's interval). */
    static final long WATCH_PERIOD_MILLIS = 1_000;

    static final Task<BenchDb.Trivial> RESCUE = Task.of("rescue", BenchDb.Trivial.class)
            .delivery(Delivery.AT_LEAST_ONCE).retry(Retry.fixed(Duration.ofMillis(1), 3));

    /** The victim JVM, killed in the timed part. */
    static final class Victim {
        private final Process process;
        private final BufferedReader out;

        Victim(String... args) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String[] command = new String[6 + args.length];
            command[0] = java;
            command[1] = "-Xmx256m";
            command[2] = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn";
            command[3] = "-cp";
            command[4] = System.getProperty("java.class.path");
            command[5] = RescueVictimMain.class.getName();
            System.arraycopy(args, 0, command, 6, args.length);
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        void await(String line) {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.equals(line)) {
                        return;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("victim JVM ended before \"" + line + "\"");
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL
            process.waitFor();
        }
    }

    @State(Scope.Benchmark)
    public static class Postgres {
        String schema;
        HikariDataSource pool;
        TaskQueue queue;
        Victim victim;
        Foreman survivor;
        volatile CountDownLatch rerun;

        @Setup(Level.Trial)
        public void open() {
            schema = BenchPg.newSchema("rescue");
            pool = BenchPg.pool("bench-rescue", 4);
            queue = BenchPg.openQueue(pool, schema);
        }

        /** Untimed: a victim running the task, then a survivor beside it. */
        @Setup(Level.Invocation)
        public void victimRunsTheTask() {
            victim = new Victim("pg", schema);
            victim.await("ready");
            queue.enqueue(RESCUE, new BenchDb.Trivial(1));
            victim.await("running");
            rerun = new CountDownLatch(1);
            survivor = Foreman.builder(queue).stopOnShutdown(false).gracefulTimeout(Duration.ofSeconds(1))
                    .handle(RESCUE, a -> rerun.countDown()).start();
            // The survivor's watch looks about once a second from its start: the kill comes at a random point of
            // that second, as it would in production, not always just after a start. A random delay, not a wait for
            // anything: nothing is to happen meanwhile.
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(WATCH_PERIOD_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @TearDown(Level.Invocation)
        public void closeSurvivor() {
            survivor.close();
        }

        @TearDown(Level.Trial)
        public void close() {
            queue.close();
            BenchPg.dropSchema(pool, schema);
            pool.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Sqlite {
        Path dir;
        TaskQueue queue;
        volatile CountDownLatch rerun;
        Foreman next;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchDb.newDirectory();
            queue = BenchDb.openQueue(dir, Synchronous.NORMAL);
        }

        /** Untimed: a victim took the task and was killed while it ran. */
        @Setup(Level.Invocation)
        public void victimKilledInTheTask() throws InterruptedException {
            Victim victim = new Victim("sqlite", dir.toString());
            victim.await("ready");
            queue.enqueue(RESCUE, new BenchDb.Trivial(1));
            victim.await("running");
            victim.kill();
            rerun = new CountDownLatch(1);
        }

        @TearDown(Level.Invocation)
        public void closeNext() {
            next.close();
        }

        @TearDown(Level.Trial)
        public void close() {
            queue.close();
            BenchDb.deleteTree(dir);
        }
    }

    @Benchmark
    public void postgres_killToRerunOnSurvivor(Postgres s) throws InterruptedException {
        s.victim.kill();
        if (!s.rerun.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not run again within 30 s");
        }
    }

    @Benchmark
    public void sqlite_startToRerun(Sqlite s) throws InterruptedException {
        s.next = Foreman.builder(s.queue).stopOnShutdown(false).gracefulTimeout(Duration.ofSeconds(1))
                .handle(RESCUE, a -> s.rerun.countDown()).start();
        if (!s.rerun.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not run again within 30 s");
        }
    }
}
