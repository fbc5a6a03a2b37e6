package dev.dbmq.internal;

import org.jooq.DSLContext;

/**
 * A worker slot an idle foreman of this JVM has set aside for one task a producer is about to enqueue
 * ({@link WakeTarget#reserve}): the producer's own transaction inserts the task and claims it (deletes it) at once,
 * then hands it over here. Exactly one of {@link #start} and {@link #cancel} is called, on the producer's thread.
 */
public interface Handoff {

    /**
     * In the transaction that inserts and claims the task ({@link Storage#enqueue}), once it has: records the task as
     * running on this foreman ({@code dbmq_running}). Runs again if that transaction is tried again.
     */
    void claimed(DSLContext dsl, TaskStore.Row row);

    /** The transaction that inserted and claimed this row committed: run it. Never throws. */
    void start(TaskStore.Row row);

    /** Nothing was committed (the write failed): the slot goes back. */
    void cancel();
}
