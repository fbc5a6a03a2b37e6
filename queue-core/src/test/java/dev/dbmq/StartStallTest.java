package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A foreman's start stalls no producer: on a cold copy of dbmq, jOOQ and Jackson ({@link ColdLoadGate}), none of a
 * foreman's threads loads a jOOQ or Jackson class while it holds what producers need; SQLite: the connection's lock.
 * Before the foreman's warm-up ({@link ForemanWarmUp}), the foreman thread's first unhandled check made jOOQ's first
 * context and rendered its first statements inside that lock, and every producer of the JVM waited; here that is a
 * stall the probe never gets past, reported with the class and the stack.
 */
class StartStallTest {

    /** The scenario's class, by name: the copy that runs is the gate's, not this loader's. */
    static final String SCENARIO = "dev.dbmq.StartStallScenario";

    @TempDir
    Path dir;

    @Test
    void a_foreman_starting_in_a_cold_jvm_never_holds_the_connection_while_it_loads_jooq_or_jackson()
            throws Exception {
        runColdScenario("sqlite:" + dir.resolve("queue.db"));
    }

    /** Runs the scenario in a fresh gate; fails with the gate's stalls, if any. */
    static void runColdScenario(String database) throws Exception {
        ColdLoadGate gate = new ColdLoadGate(StartStallTest.class.getClassLoader(), Recorder.TIMEOUT);
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(gate);
        try {
            Class<?> scenario = gate.loadClass(SCENARIO);
            assertNotSame(StartStallTest.class.getClassLoader(), scenario.getClassLoader(), "not a cold copy");
            Consumer<Runnable> probeSink = gate::probe;
            @SuppressWarnings("unchecked")
            Callable<String> run = (Callable<String>) scenario.getConstructor(String.class, Consumer.class)
                    .newInstance(database, probeSink);
            assertFalse(gate.loaded("org.jooq.impl.DefaultDSLContext"), "jOOQ is warm already: not a cold copy");
            String outcome;
            try {
                outcome = run.call();
            } catch (Throwable t) {
                // A stall also fails the scenario's own waits: the stall is the cause to report
                assertEquals(List.of(), List.copyOf(gate.stalls), "a foreman's thread loaded a class while producers"
                        + " could not enqueue; the scenario then failed with " + t);
                throw t;
            }
            assertEquals(List.of(), List.copyOf(gate.stalls), "a foreman's thread loaded a class while producers"
                    + " could not enqueue");
            // Not vacuous: the foreman met each kind of statement (the scenario waited for each outcome)
            assertTrue(outcome.startsWith("rejected 2,"), outcome + "; loads the gate held while producers went on: "
                    + gate.passed);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
            gate.shutdown();
        }
    }
}
