package dev.dbmq;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt of a task through a foreman's {@link TaskInterceptor}s, the first outermost, and guards it against
 * them: the handler runs once and the attempt ends as it did, whatever they throw or forget (see the interface).
 * Immutable; each attempt's state lives in its own {@link Attempt}, on its worker thread.
 */
final class TaskChain {

    private static final Logger log = LoggerFactory.getLogger(TaskChain.class);

    /** The handler, called with the decoded args and context. */
    interface Handler {
        void run() throws Throwable;
    }

    static final TaskChain NONE = new TaskChain(List.of());

    private final List<TaskInterceptor> interceptors;

    TaskChain(List<TaskInterceptor> interceptors) {
        this.interceptors = List.copyOf(interceptors);
    }

    /**
     * Runs the handler through the interceptors. Never throws.
     *
     * @return what the handler threw, or null when it returned normally
     */
    Throwable run(String taskName, TaskContext context, Handler handler) {
        if (interceptors.isEmpty()) {
            try {
                handler.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        }
        Attempt attempt = new Attempt(taskName, context, handler);
        attempt.from(0);
        return attempt.error;
    }

    /** One attempt's state: its worker thread only. */
    private final class Attempt {
        final String taskName;
        final TaskContext context;
        final Handler handler;
        Throwable error; // what the handler threw

        Attempt(String taskName, TaskContext context, Handler handler) {
            this.taskName = taskName;
            this.context = context;
            this.handler = handler;
        }

        /** Interceptor {@code i} around the rest, or the handler when none is left. Never throws. */
        void from(int i) {
            if (i == interceptors.size()) {
                try {
                    handler.run();
                } catch (Throwable t) {
                    error = t;
                }
                return;
            }
            TaskInterceptor interceptor = interceptors.get(i);
            Level level = new Level(this, i);
            Throwable thrown = null;
            try {
                interceptor.aroundTask(level);
            } catch (Throwable t) {
                thrown = t;
            }
            if (!level.proceeded) {
                log.error("TaskInterceptor {} {} without proceeding; task {} ({}) runs without it",
                        EnqueueChain.describe(interceptor), thrown == null ? "returned" : "threw",
                        context.id(), taskName, thrown);
                from(i + 1);
            } else if (thrown != null && thrown != error) {
                log.error("TaskInterceptor {} threw after proceeding; task {} ({}) ends as its handler did",
                        EnqueueChain.describe(interceptor), context.id(), taskName, thrown);
            } else if (thrown == null && error != null) {
                log.warn("TaskInterceptor {} swallowed the handler's failure; task {} ({}) failed all the same",
                        EnqueueChain.describe(interceptor), context.id(), taskName);
            }
        }
    }

    /** What interceptor {@code index} is given. */
    private static final class Level implements TaskInterceptor.Invocation {
        private final Attempt attempt;
        private final int index;
        boolean proceeded;

        Level(Attempt attempt, int index) {
            this.attempt = attempt;
            this.index = index;
        }

        @Override
        public String taskName() {
            return attempt.taskName;
        }

        @Override
        public TaskContext context() {
            return attempt.context;
        }

        @Override
        public void proceed() throws Exception {
            if (proceeded) {
                throw new IllegalStateException("proceed() called twice for task " + attempt.context.id()
                        + " (" + attempt.taskName + ")");
            }
            proceeded = true;
            attempt.from(index + 1);
            if (attempt.error != null) {
                throw Sneaky.<Exception>rethrow(attempt.error);
            }
        }
    }
}
