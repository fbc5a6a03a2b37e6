package dev.dbmq.internal;

/**
 * A worker slot an idle foreman of this JVM has set aside for one task a producer is about to enqueue
 * ({@link WakeTarget#reserve}): the producer's own transaction inserts the task and claims it (deletes it) at once,
 * then hands it over here. Exactly one of {@link #start} and {@link #cancel} is called, on the producer's thread.
 */
public interface Handoff {

    /** The transaction that inserted and claimed this row committed: run it. Never throws. */
    void start(TaskStore.Row row);

    /** Nothing was committed (the write failed): the slot goes back. */
    void cancel();
}
