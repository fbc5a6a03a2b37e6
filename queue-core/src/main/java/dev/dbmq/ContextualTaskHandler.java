package dev.dbmq;

/**
 * A {@link TaskHandler} that is also told about the attempt it runs ({@link TaskContext}: id, attempt, due time).
 * Registered with the same {@link Foreman.Builder#handle(Task, ContextualTaskHandler)}:
 * <pre>{@code
 * Foreman.builder(queue).handle(DIGEST, (args, ctx) -> digest(args, ctx.attempt()))
 * }</pre>
 *
 * @param <A> the arguments' type
 */
@FunctionalInterface
public interface ContextualTaskHandler<A> {
    void handle(A args, TaskContext context) throws Exception;
}
