package dev.dbmq;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers claim for themselves while the queue is busy (leader/follower): the worker whose task ends claims for the
 * free slots, runs the first task it claimed and gives the rest to the pool. No hop to the foreman thread and back,
 * and none to another worker for that first task. The slot count bounds this claim as it bounds the foreman
 * thread's, so a crash still loses at most {@code workers} tasks. Called on workers only.
 */
final class WorkerClaims {

    private static final Logger log = LoggerFactory.getLogger(WorkerClaims.class);

    private final String foremanId;
    private final LoopState state;
    private final Claims claims;
    private final GuardedListener listener;
    private final int batchSize;
    private final AtomicLong count = new AtomicLong();

    WorkerClaims(String foremanId, LoopState state, Claims claims, GuardedListener listener, int batchSize) {
        this.foremanId = foremanId;
        this.state = state;
        this.claims = claims;
        this.listener = listener;
        this.batchSize = batchSize;
    }

    /** Claims workers made for themselves: for tests and diagnostics. */
    long count() {
        return count.get();
    }

    /**
     * A worker whose task ended: frees its slot and, when {@link LoopState#endTaskAndBeginWorkerClaim} says so, claims.
     *
     * @param dispatch the claimed tasks onto slots, while this claim is held; returns the first, kept for this worker
     * @return the next task for this worker, or null to go back to the pool
     */
    ClaimedTask afterTask(Function<List<ClaimedTask>, ClaimedTask> dispatch) {
        int want = state.endTaskAndBeginWorkerClaim(batchSize);
        if (want == 0) {
            return null;
        }
        boolean full = true;
        long claimedAtMillis = 0;
        int rows = 0;
        ClaimedTask first = null;
        try {
            boolean[] refused = new boolean[1];
            Claims.Claim claim = claims.claim(want, () -> {
                refused[0] = !state.enterWorkerCommit();
                return !refused[0];
            });
            count.incrementAndGet();
            first = dispatch.apply(claim.runnable());
            full = refused[0] || claim.full(want); // refused at a stop: tasks may be left for a drain
            claimedAtMillis = claim.nowMillis();
            rows = claim.rows();
        } catch (Throwable t) {
            // Rolled back, nothing taken. The foreman thread claims next, with its backoff if the database is failing.
            log.warn("Foreman {}: a worker's claim failed ({}); the foreman thread will claim", foremanId,
                    t.toString());
            state.workerClaimFailed();
            listener.claimFailed(new ForemanEvent.ClaimFailed(foremanId, t, java.time.Duration.ZERO));
        } finally {
            state.endWorkerClaim(full, claimedAtMillis, rows);
        }
        return first;
    }
}
