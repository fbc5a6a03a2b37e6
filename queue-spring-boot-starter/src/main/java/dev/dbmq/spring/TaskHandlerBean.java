package dev.dbmq.spring;

import dev.dbmq.ContextualTaskHandler;
import dev.dbmq.Task;
import dev.dbmq.TaskContext;
import dev.dbmq.TaskHandler;
import java.util.Objects;

/**
 * A bean that runs one task: the starter registers every such bean with the application's foreman. One bean per
 * task, one per task name in the context (two fail the start, naming both).
 *
 * <pre>{@code
 * @Component
 * class WelcomeHandler implements TaskHandlerBean<Welcome> {
 *     public Task<Welcome> task() { return Tasks.WELCOME; }
 *     public void handle(Welcome args, TaskContext context) { mailer.send(args.email()); }
 * }
 * }</pre>
 *
 * <p>{@code handle} runs on a worker thread; anything it throws is retried as the task's {@link dev.dbmq.Retry} says,
 * then kept in the failed-tasks table, as for {@link dev.dbmq.Foreman.Builder#handle(Task, ContextualTaskHandler)}.
 *
 * @param <A> the task's args type
 */
public interface TaskHandlerBean<A> extends ContextualTaskHandler<A> {

    /** The task this bean runs, with the retry policy the foreman applies. */
    Task<A> task();

    /** A handler bean from a lambda, for a {@code @Bean} method: {@code TaskHandlerBean.of(WELCOME, this::send)}. */
    static <A> TaskHandlerBean<A> of(Task<A> task, TaskHandler<A> handler) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(handler, "handler");
        return new TaskHandlerBean<>() {
            @Override
            public Task<A> task() {
                return task;
            }

            @Override
            public void handle(A args, TaskContext context) throws Exception {
                handler.handle(args);
            }

            @Override
            public String toString() {
                return "TaskHandlerBean[" + task.name() + "]";
            }
        };
    }
}
