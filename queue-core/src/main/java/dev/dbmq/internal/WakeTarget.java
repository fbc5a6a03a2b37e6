package dev.dbmq.internal;

/** Something a producer in this JVM wakes directly after it commits a task: a foreman. */
public interface WakeTarget {

    /** A task was committed; called on the producer's thread, so it must not block. */
    void wake();

    /** A task of this name was committed: as {@link #wake()}, for a target that can tell which of its parts to wake. */
    default void wake(String taskName) {
        wake();
    }

    /**
     * A task will be visible once the commit now running on the caller's thread ends: called from inside SQLite's
     * commit hook, where nothing may touch the database. Claims take the write lock first, so a woken foreman waits
     * for that commit to end and then sees the task.
     */
    default void wakeFromCommitHook() {
        wake();
    }

    /**
     * A producer of this JVM is about to enqueue a task named {@code taskName}, due now, with these JSON args: a worker
     * slot to hand it to directly, or null (the default: it is enqueued and claimed as any other). See
     * {@link Handoff}. Called on the producer's thread; must not block.
     */
    default Handoff reserve(String taskName, String args) {
        return null;
    }
}
