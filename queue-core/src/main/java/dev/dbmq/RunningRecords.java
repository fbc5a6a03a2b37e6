package dev.dbmq;

import java.util.ArrayList;
import java.util.List;

/**
 * A foreman's records of its running attempts ({@code dbmq_running}), on the side of removing them: a record is
 * written by the claim that takes its task, and removed when the attempt ends, in the transaction that writes a failed
 * attempt's outcome; a successful attempt writes nothing itself, so its record is removed by the next transaction the
 * foreman commits anyway: the claim that fills the freed slot, a hand-over's, or the flush of counts (within about a
 * second of going idle). So a record costs no write transaction of its own, and the records of one foreman never
 * outnumber its workers after any of those commits: a crash misreports as interrupted at most the {@code workers}
 * attempts that finished since the foreman's last commit, for at most about a second.
 *
 * <p>Threads: {@link #finished} by workers; {@link #take} and {@link #putBack} by whoever commits next (the foreman
 * thread, a worker claiming for itself, a producer handing a task over).
 */
final class RunningRecords {

    // Guarded by this.
    private List<Long> finished = new ArrayList<>();

    /** A worker's attempt succeeded: its record goes with the next commit. */
    synchronized void finished(long taskId) {
        finished.add(taskId);
    }

    synchronized boolean anyFinished() {
        return !finished.isEmpty();
    }

    /** The records to remove in the caller's transaction; {@link #putBack} them if it does not commit. */
    synchronized List<Long> take() {
        if (finished.isEmpty()) {
            return List.of();
        }
        List<Long> taken = finished;
        finished = new ArrayList<>();
        return taken;
    }

    synchronized void putBack(List<Long> taken) {
        finished.addAll(taken);
    }
}
