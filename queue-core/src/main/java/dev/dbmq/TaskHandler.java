package dev.dbmq;

/**
 * Runs one task. Called on a worker thread of the {@link Foreman}; anything it throws is logged with the task id,
 * reported to the {@link ForemanListener}, and the task is kept in the failed-tasks table. It never stops a worker.
 *
 * <p>A handler should return soon after its thread is interrupted: that is how a stop past the graceful timeout
 * asks it to end.
 *
 * @param <A> the arguments' type
 */
@FunctionalInterface
public interface TaskHandler<A> {
    void handle(A args) throws Exception;
}
