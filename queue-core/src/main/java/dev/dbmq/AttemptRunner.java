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
     * @return true when the foreman should look again: the task's next attempt was written (a retry, a snooze), or
     *         it ended a task of a limited type ({@link Task#limit}), freeing a place of its limit
     */
    boolean run(ClaimedTask task);
}
