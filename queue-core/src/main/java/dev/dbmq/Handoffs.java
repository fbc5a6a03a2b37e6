package dev.dbmq;

import dev.dbmq.internal.Handoff;
import dev.dbmq.internal.TaskStore;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;

/**
 * Hand-overs (SQLite): while the loop is idle with nothing known to be waiting, a producer of this JVM may take a
 * free slot, insert and claim its task in its own transaction, and start it on a worker: the claim transaction and
 * the hop through the foreman thread are saved, and the slot count still bounds what is claimed. Nothing known to
 * be waiting means no older due task of this foreman's names is known to be queued, so taking the new one first
 * keeps the order of claims. The hand-over's transaction records the task as running, in a record slot leased with
 * the worker slot, as a claim's would ({@link RunningRecords}). Called on producers' threads.
 */
final class Handoffs {

    private final LoopState state;
    private final Claims claims;
    private final TaskDispatcher dispatcher;
    /** Tasks handed over and started: for tests and diagnostics. */
    private final AtomicLong handedOver = new AtomicLong();

    Handoffs(LoopState state, Claims claims, TaskDispatcher dispatcher) {
        this.state = state;
        this.claims = claims;
        this.dispatcher = dispatcher;
    }

    long handedOver() {
        return handedOver.get();
    }

    /** A slot for a task due now, named {@code taskName} with these JSON args, or null: enqueue it as any other. */
    Handoff reserve(String taskName, String args) {
        if (!state.reserveForHandoff()) {
            return null;
        }
        Claims.Decoded decoded;
        try {
            decoded = claims.decodeForHandoff(taskName, args);
        } catch (Throwable t) {
            decoded = null;
        }
        if (decoded == null) {
            state.releaseSlot();
            return null;
        }
        Claims.Decoded task = decoded;
        RunningRecords.Lease lease = claims.leaseForHandoff();
        int slot = lease == null || lease.size() == 0 ? ClaimedTask.NO_SLOT : lease.slot(0);
        return new Handoff() {
            @Override
            public void claimed(DSLContext dsl, TaskStore.Row row) {
                claims.recordHandedOver(dsl, task.claimed(row, slot));
            }

            @Override
            public void start(TaskStore.Row row) {
                claims.endHandoffLease(lease, true);
                if (dispatcher.startHandedOver(task.claimed(row, slot))) {
                    handedOver.incrementAndGet();
                }
            }

            @Override
            public void cancel() {
                claims.endHandoffLease(lease, false);
                state.releaseSlot();
            }
        };
    }
}
