package dev.dbmq;

/**
 * Runs one attempt of a claimed task on the calling worker thread and records how it went; {@link TaskRunner} is the
 * one implementation, the foreman loop's tests use a scripted fake.
 */
@FunctionalInterface
interface AttemptRunner {

    /**
     * Never throws for anything the handler or a listener does.
     *
     * @return true when the handler threw and the task's next attempt was written (the foreman looks again)
     */
    boolean run(ClaimedTask task);
}
