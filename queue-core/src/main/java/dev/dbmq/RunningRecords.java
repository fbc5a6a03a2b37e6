package dev.dbmq;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A foreman's records of its running attempts ({@code dbmq_running}), kept as one row per worker slot: the claim (or
 * hand-over) that takes a task writes its record into a slot, over the record of an attempt that ended there if there
 * is one; a failed attempt's record is deleted in the transaction that writes its outcome; a successful attempt writes
 * nothing itself, and its record stays until a claim writes over its slot or the foreman clears it with its flush of
 * counts (within about a second of going idle). So a record costs no statement of its own in a busy foreman, and a
 * foreman never has more records than workers. What a crash can misreport: the attempts that succeeded since their
 * slot was last written and not yet cleared, at most {@code workers}, for at most about a second after the foreman's
 * last task ended; they are kept as interrupted though they finished.
 *
 * <p>Each slot is in exactly one place: free (no record), ended (the record of an attempt that succeeded), or leased to
 * a task from its claim until its attempt ends. Threads: workers end attempts, whoever claims leases (the foreman
 * thread, a worker claiming for itself, a producer handing a task over), the foreman thread clears; all under this
 * object's lock, held only to move slot numbers.
 */
final class RunningRecords {

    /** Slots leased for one claim; {@link #slot(int)} of each task it records, the rest given back when it commits. */
    static final class Lease {
        private final int[] slots;
        private final int ended; // slots[0..ended) held a record of an ended attempt

        private Lease(int[] slots, int ended) {
            this.slots = slots;
            this.ended = ended;
        }

        int size() {
            return slots.length;
        }

        int slot(int i) {
            return slots[i];
        }
    }

    /** A running attempt, as the watch sees it: its record's slot, and its control. */
    record Attempt(long taskId, int attempt, int slot, AttemptControl control) {
    }

    /** The attempts running now, by slot: written by workers, read by the watch. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, Attempt> running =
            new java.util.concurrent.ConcurrentHashMap<>();

    // Guarded by this.
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final ArrayDeque<Integer> ended = new ArrayDeque<>();

    RunningRecords(int workers) {
        for (int slot = 0; slot < workers; slot++) {
            free.add(slot);
        }
    }

    /**
     * Up to {@code n} slots for a claim's tasks, those holding an ended attempt's record first (the claim writes over
     * it). Fewer when fewer are not leased (none should be: a slot comes back before its worker is counted free).
     */
    synchronized Lease lease(int n) {
        int take = Math.min(n, ended.size() + free.size());
        int[] slots = new int[take];
        int fromEnded = Math.min(take, ended.size());
        for (int i = 0; i < take; i++) {
            slots[i] = i < fromEnded ? ended.poll() : free.poll();
        }
        return new Lease(slots, fromEnded);
    }

    /** The claim committed with {@code used} tasks recorded in the lease's first slots: the rest come back. */
    synchronized void keep(Lease lease, int used) {
        for (int i = lease.slots.length - 1; i >= used; i--) {
            (i < lease.ended ? ended : free).addFirst(lease.slots[i]);
        }
    }

    /** The claim did not commit: every slot of the lease comes back as it was. */
    void giveBack(Lease lease) {
        keep(lease, 0);
    }

    /** A worker starts the attempt recorded in its slot. */
    void started(ClaimedTask task, AttemptControl control) {
        running.put(task.slot(), new Attempt(task.id(), task.row().attempt(), task.slot(), control));
    }

    /** Its handler returned or threw. */
    void ended(ClaimedTask task) {
        running.remove(task.slot());
    }

    /** The attempts running now (a snapshot). */
    java.util.Collection<Attempt> running() {
        return List.copyOf(running.values());
    }

    /** A worker's attempt in {@code slot} succeeded: its record stays until written over or cleared. */
    synchronized void succeeded(int slot) {
        ended.add(slot);
    }

    /** The record in {@code slot} was deleted (an outcome written, a task given back): the slot is free. */
    synchronized void deleted(int slot) {
        free.add(slot);
    }

    /**
     * The slots whose records are of attempts that ended: those not leased, and those of {@code lease} that held one
     * (a claim writes over them). Their records count toward no concurrency limit: a claim leaves them out.
     */
    synchronized java.util.Set<Integer> endedSlots(Lease lease) {
        java.util.Set<Integer> slots = new java.util.HashSet<>(ended);
        for (int i = 0; lease != null && i < lease.ended; i++) {
            slots.add(lease.slots[i]);
        }
        return slots;
    }

    synchronized boolean anyEnded() {
        return !ended.isEmpty();
    }

    /** The slots of ended attempts, for a flush to clear; {@link #cleared} or {@link #notCleared} after it. */
    synchronized List<Integer> takeEnded() {
        List<Integer> taken = new ArrayList<>(ended);
        ended.clear();
        return taken;
    }

    synchronized void cleared(List<Integer> slots) {
        free.addAll(slots);
    }

    synchronized void notCleared(List<Integer> slots) {
        ended.addAll(slots);
    }
}
