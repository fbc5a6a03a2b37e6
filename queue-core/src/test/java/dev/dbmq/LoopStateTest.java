package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link LoopState}'s transitions where threads meet: driven here by the test's own threads, without a loop. */
class LoopStateTest {

    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    /**
     * A worker's claim that was not full ends while another worker's task ends (whose end wakes the foreman thread).
     * Whenever the foreman thread looks, it must go idle for that claim: it once could see the report while the claim
     * still looked under way, drop it as stale, and never go idle for it. Many rounds, as the two ends race.
     */
    @Test
    void a_workers_claim_that_was_not_full_makes_the_foreman_thread_go_idle_however_another_tasks_end_interleaves()
            throws Exception {
        for (int round = 0; round < 20_000; round++) {
            LoopState state = new LoopState(2, false);
            state.unhandledCheckAt(System.nanoTime() + HOUR);
            // The foreman thread's claim filled both workers: workers claim for themselves as their tasks end.
            assertEquals(NextStep.Kind.CLAIM, next(state).kind());
            assertEquals(2, state.takeSlots(2));
            state.endClaim(true, true);
            assertEquals(1, state.endTaskAndBeginWorkerClaim(10), "the first task's worker claims for its slot");

            CompletableFuture<NextStep.Step> foreman = CompletableFuture.supplyAsync(() -> firstNotWaiting(state),
                    threads);
            CyclicBarrier together = new CyclicBarrier(2);
            CompletableFuture<Integer> otherEnds = CompletableFuture.supplyAsync(() -> {
                await(together);
                return state.endTaskAndBeginWorkerClaim(10); // a claim is under way: it only signals
            }, threads);
            await(together);
            state.endWorkerClaim(false, 123, 0); // it found nothing: not full

            assertEquals(0, otherEnds.get(10, TimeUnit.SECONDS), "round " + round);
            NextStep.Step step = foreman.get(10, TimeUnit.SECONDS);
            assertEquals(NextStep.Kind.GO_IDLE, step.kind(), "round " + round);
            assertEquals(123, step.claimedAtMillis(), "round " + round);
            assertEquals(0, step.rows(), "round " + round);
        }
    }

    private static NextStep.Step next(LoopState state) {
        try {
            return state.next(HOUR, true, () -> Long.MAX_VALUE);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The foreman thread's first step that is not a wait for a change (the claim under way, busy workers). */
    private static NextStep.Step firstNotWaiting(LoopState state) {
        while (true) {
            NextStep.Step step = next(state);
            if (step.kind() != NextStep.Kind.WAIT) {
                return step;
            }
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
