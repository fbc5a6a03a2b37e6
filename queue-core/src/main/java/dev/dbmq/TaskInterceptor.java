package dev.dbmq;

/**
 * Runs around every task a {@link Foreman} runs, on the worker thread, with the handler inside it: what tracing needs
 * (queue-opentelemetry makes the handler's span current for it), or an MDC set from the task's
 * {@link TaskContext#metadata() metadata}. Added with {@link Foreman.Builder#interceptor}; {@link EnqueueInterceptor}
 * is its twin on the producer's side.
 *
 * <pre>{@code
 * Foreman.builder(queue).interceptor(task -> {
 *     MDC.put("request-id", task.context().metadata().get("request-id"));
 *     try {
 *         task.proceed();
 *     } finally {
 *         MDC.remove("request-id");
 *     }
 * })
 * }</pre>
 *
 * <p>An interceptor observes and decorates; it cannot keep a task from running or change how it ended. It should
 * call {@link Invocation#proceed()} exactly once and let what it throws propagate. Whatever it does, the task ends as
 * its handler did (run, retried or kept as failed): if it throws before proceeding, or returns without proceeding, the
 * error is logged and the handler runs without it; if it throws after proceeding, or swallows the handler's
 * exception, that is logged and the handler's own outcome counts. Several interceptors run in the order added, the
 * first outermost; {@link ForemanListener#taskStarted} is called before the outermost, and the time a listener is
 * given includes the interceptors'.
 */
@FunctionalInterface
public interface TaskInterceptor {

    /** Called around one attempt of a task; call {@code task.proceed()} once to run its handler. */
    void aroundTask(Invocation task) throws Exception;

    /** One attempt of a task, as an interceptor sees it. Used on its worker thread only. */
    interface Invocation {

        /** The task's name, {@link Task#name()}. */
        String taskName();

        /** The attempt's id, number, due time and the task's metadata. */
        TaskContext context();

        /**
         * Runs the inner interceptors and then the handler.
         *
         * @throws Exception             what the handler threw
         * @throws IllegalStateException when called a second time
         */
        void proceed() throws Exception;
    }
}
