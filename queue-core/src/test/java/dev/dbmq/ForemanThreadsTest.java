package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A foreman thread that dies says so; one that ends on a stop request does not. */
class ForemanThreadsTest {

    final AtomicBoolean stopRequested = new AtomicBoolean();
    final AtomicReference<Foreman.State> state = new AtomicReference<>(Foreman.State.RUNNING);
    final List<String> reported = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();
    final ForemanThreads threads = new ForemanThreads("test", "dbmq7", stopRequested::get,
            GuardedListener.of(new ForemanListener() {
                @Override
                public void foremanFailed(ForemanEvent.ThreadDied e) {
                    reported.add(e.foremanId() + " " + e.thread() + ": " + e.cause());
                    throw new AssertionError("a listener failing here changes nothing");
                }
            }), state, () -> {
                recorded.incrementAndGet();
                throw new IllegalStateException("a failing record of the death changes nothing either");
            });

    void run(String name, Runnable body) throws InterruptedException {
        Thread t = threads.newThread(name, body, "nothing happens any more");
        assertTrue(t.isDaemon());
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(t.isAlive());
    }

    @Test
    void a_thread_that_throws_turns_the_foreman_failed_and_tells_the_listener() throws Exception {
        run("foreman", () -> {
            throw new OutOfMemoryError("simulated");
        });
        assertEquals(Foreman.State.FAILED, state.get());
        assertEquals(List.of("test dbmq7-foreman: java.lang.OutOfMemoryError: simulated"), reported,
                "named for the foreman and role");
        assertEquals(1, recorded.get(), "the death is recorded where other processes see it");
    }

    @Test
    void a_thread_that_returns_without_a_stop_request_is_a_death_too() throws Exception {
        run("wakeup", () -> { });
        assertEquals(Foreman.State.FAILED, state.get());
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).contains("ended without a stop request"), reported.toString());
    }

    @Test
    void a_thread_that_ends_after_a_stop_request_is_not_reported() throws Exception {
        stopRequested.set(true);
        state.set(Foreman.State.STOPPING);
        run("listen", () -> {
            throw new IllegalStateException("closing");
        });
        assertEquals(Foreman.State.STOPPING, state.get());
        assertEquals(List.of(), reported);
        assertEquals(0, recorded.get());
    }

    @Test
    void the_keep_alive_thread_holds_the_jvm_through_interrupts_until_a_death() throws Exception {
        Thread alive = threads.newKeepAliveThread("alive");
        assertFalse(alive.isDaemon(), "it is what keeps a worker process up");
        alive.start();
        alive.interrupt();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (alive.isInterrupted() || alive.getState() != Thread.State.WAITING) { // the interrupt was taken
            assertTrue(System.nanoTime() < deadline, "the keep-alive thread never waited again: " + alive.getState());
            Thread.yield();
        }
        assertTrue(alive.isAlive(), "an interrupt does not let the JVM go");
        run("foreman", () -> {
            throw new OutOfMemoryError("simulated");
        });
        alive.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(alive.isAlive(), "a failed foreman no longer holds the JVM");
    }

    @Test
    void release_ends_the_keep_alive_thread() throws Exception {
        Thread alive = threads.newKeepAliveThread("alive");
        alive.start();
        threads.release();
        alive.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(alive.isAlive());
    }
}
