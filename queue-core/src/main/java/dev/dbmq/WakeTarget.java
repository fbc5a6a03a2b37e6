package dev.dbmq;

/** Something a producer in this JVM wakes directly after it commits a task: a foreman. */
interface WakeTarget {

    /** A task was committed; called on the producer's thread, so it must not block. */
    void wake();

    /**
     * A task will be visible once the commit now running on the caller's thread ends: called from inside SQLite's
     * commit hook, where nothing may touch the database. Claims take the write lock first, so a woken foreman waits
     * for that commit to end and then sees the task.
     */
    default void wakeFromCommitHook() {
        wake();
    }
}
