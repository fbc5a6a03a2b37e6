package dev.dbmq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claimed tasks onto worker slots: each to the pool as a job, which runs its task and then, on the same worker, asks
 * for the next one ({@link WorkerClaims#afterTask}). Keeps what is running, for logs at a stop and for
 * {@link Foreman#busyWorkers()}.
 *
 * <p>Called by the claim holder (the foreman thread or a worker), by producers handing a task over, and at a forced
 * stop by {@link Foreman#close()}; jobs run on workers.
 */
final class TaskDispatcher {

    private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);

    private final LoopState state;
    private final Claims claims;
    private final AttemptRunner runner;
    private final ExecutorService workers;
    private final WorkerClaims workerClaims;
    /** Running tasks, id to name: written by workers and the claim holder, read for logs at stop. */
    private final Map<Long, String> running = new ConcurrentHashMap<>();

    TaskDispatcher(LoopState state, Claims claims, AttemptRunner runner, ExecutorService workers,
                   WorkerClaims workerClaims) {
        this.state = state;
        this.claims = claims;
        this.runner = runner;
        this.workers = workers;
        this.workerClaims = workerClaims;
    }

    Map<Long, String> running() {
        return running;
    }

    /**
     * The claim holder's thread: claimed tasks onto free slots, to the pool. With {@code keepFirst} (a worker's own
     * claim) the first is returned instead, for the calling worker to run: no hop to another thread.
     */
    ClaimedTask dispatch(List<ClaimedTask> tasks, boolean keepFirst) {
        int n = tasks.size();
        if (n == 0) {
            return null;
        }
        int take = state.takeSlots(n); // n <= asked <= free unless a claim broke its bound: never hand out more
        claims.giveBack(tasks.subList(take, n), "the claim returned more tasks than there were free workers");
        ClaimedTask kept = null;
        List<ClaimedTask> unstarted = new ArrayList<>();
        for (ClaimedTask task : tasks.subList(0, take)) {
            running.put(task.id(), task.name());
            if (keepFirst && kept == null) {
                kept = task;
                continue;
            }
            try {
                submit(task);
            } catch (RejectedExecutionException e) {
                // The pool is shut: close() stopped waiting for this claim's commit. Nothing ran.
                running.remove(task.id());
                state.releaseSlot();
                unstarted.add(task);
            }
        }
        claims.giveBack(unstarted, "the foreman stopped while their claim committed");
        return kept;
    }

    /**
     * Producer's thread: a handed-over task, claimed by its enqueue's commit, onto the slot it reserved. Never throws:
     * a task that can't start goes back in the queue.
     *
     * @return whether it went to the pool
     */
    boolean startHandedOver(ClaimedTask task) {
        running.put(task.id(), task.name());
        try {
            submit(task);
            return true;
        } catch (RejectedExecutionException e) {
            // The pool shut after the slot was reserved (a stop): nothing ran; the task goes back in the queue.
            running.remove(task.id());
            state.releaseSlot();
            claims.giveBack(List.of(task), "the foreman stopped while a producer handed the task over");
        } catch (Throwable t) {
            running.remove(task.id());
            state.releaseSlot();
            claims.giveBack(List.of(task), "handing the task over failed: " + t);
        }
        return false;
    }

    /** A task, its slot taken, to the pool; counted in queuedJobs until a worker starts it. */
    private void submit(ClaimedTask task) {
        state.queuedJobs.incrementAndGet();
        try {
            workers.execute(new TaskJob(task));
        } catch (Throwable t) {
            state.queuedJobs.decrementAndGet();
            throw t;
        }
    }

    /** Jobs the pool never started (returned by shutdownNow at a forced stop): their slots go back. */
    List<ClaimedTask> forget(List<Runnable> neverStarted) {
        List<ClaimedTask> tasks = new ArrayList<>();
        for (Runnable r : neverStarted) {
            ClaimedTask task = ((TaskJob) r).task;
            running.remove(task.id());
            state.releaseSlot();
            tasks.add(task);
        }
        return tasks;
    }

    /** A worker: runs a task that holds its slot and keeps running those its own claims return. */
    void runFrom(ClaimedTask first) {
        ClaimedTask next = first;
        while (next != null) {
            runOne(next);
            next = workerClaims.afterTask(tasks -> dispatch(tasks, true));
        }
    }

    private void runOne(ClaimedTask task) {
        try {
            if (runner.run(task)) {
                state.wake(); // its next attempt is a task this loop has not seen: claim, and read the due times again
            }
        } catch (Throwable t) {
            // TaskRunner guards the handler and the listener; this is its own bookkeeping failing (the log, say)
            log.error("Task {} ({}): recording its outcome failed", task.id(), task.name(), t);
        } finally {
            running.remove(task.id());
        }
    }

    /** One claimed task on a worker thread; the pool hands never-started jobs back at a forced stop. */
    private final class TaskJob implements Runnable {
        final ClaimedTask task;

        TaskJob(ClaimedTask task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (state.queuedJobs.decrementAndGet() == 0) {
                state.lastQueuedJobStarted();
            }
            runFrom(task);
        }
    }
}
