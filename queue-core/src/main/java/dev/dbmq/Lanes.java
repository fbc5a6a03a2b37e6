package dev.dbmq;

import dev.dbmq.internal.Handoff;
import dev.dbmq.internal.WakeTarget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * A threaded foreman's lanes ({@link Task#lane}): each lane its own loop, worker pool and claims, over the task names
 * in it, so a lane's due tasks never wait for workers busy with another lane's. What a producer of this JVM wakes: a
 * wakeup or hand-over for a task goes to its lane's loop. Immutable; its loops are thread-safe.
 */
final class Lanes implements WakeTarget {

    /**
     * One lane.
     *
     * @param claimer its claims: the lane's names only
     * @param pool    its workers, {@code workers} of them
     */
    record Lane(String name, int workers, List<String> taskNames, Claimer claimer, ThreadPoolExecutor pool,
                ForemanLoop loop) {
    }

    private final List<Lane> lanes;
    private final Map<String, Lane> byTaskName = new HashMap<>();

    Lanes(List<Lane> lanes) {
        this.lanes = List.copyOf(lanes);
        for (Lane lane : lanes) {
            lane.taskNames().forEach(name -> byTaskName.put(name, lane));
        }
    }

    List<Lane> all() {
        return lanes;
    }

    /** The lane that looks for tasks no lane of this foreman handles (and reports them): the first. */
    Lane first() {
        return lanes.get(0);
    }

    /** Whatever was committed (names unknown): every lane looks. */
    @Override
    public void wake() {
        for (Lane lane : lanes) {
            lane.loop().wake();
        }
    }

    /** A task of this name was committed: its lane looks; every lane for a name none handles. */
    @Override
    public void wake(String taskName) {
        Lane lane = byTaskName.get(taskName);
        if (lane == null) {
            wake();
        } else {
            lane.loop().wake();
        }
    }

    @Override
    public void wakeFromCommitHook() {
        for (Lane lane : lanes) {
            lane.loop().wakeFromCommitHook();
        }
    }

    @Override
    public Handoff reserve(String taskName, String args) {
        Lane lane = byTaskName.get(taskName);
        return lane == null ? null : lane.loop().reserve(taskName, args);
    }

    /** Handlers running right now, in every lane. */
    int busy() {
        int busy = 0;
        for (Lane lane : lanes) {
            busy += lane.loop().running().size();
        }
        return busy;
    }

    /** Running tasks, id to name, in every lane: for logs. */
    Map<Long, String> running() {
        Map<Long, String> running = new HashMap<>();
        for (Lane lane : lanes) {
            running.putAll(lane.loop().running());
        }
        return running;
    }
}
