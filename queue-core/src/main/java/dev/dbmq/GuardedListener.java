package dev.dbmq;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one guard between dbmq and a user's {@link ForemanListener}: whatever a hook throws, an {@code Error} included
 * (an {@code AssertionError} in a test's listener, say), is logged with the task id and dropped. So no hook can cost
 * a claimed task, the other tasks of its claim, or a foreman thread: a listener is user code, and a task must end as
 * run, kept as failed or recorded whatever it does. Foremen call listeners only through this class.
 */
final class GuardedListener implements ForemanListener {

    private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

    private final ForemanListener delegate;

    private GuardedListener(ForemanListener delegate) {
        this.delegate = delegate;
    }

    static GuardedListener of(ForemanListener listener) {
        return listener instanceof GuardedListener g ? g : new GuardedListener(listener);
    }

    /** A builder's listeners, called in order, each guarded on its own. */
    static GuardedListener of(List<ForemanListener> listeners) {
        if (listeners.size() == 1) {
            return of(listeners.get(0));
        }
        List<GuardedListener> each = listeners.stream().map(GuardedListener::of).toList();
        return new GuardedListener(new ForemanListener() {
            @Override
            public void taskStarted(long taskId, String taskName) {
                each.forEach(l -> l.taskStarted(taskId, taskName));
            }

            @Override
            public void taskStarted(long taskId, String taskName, TaskContext context) {
                each.forEach(l -> l.taskStarted(taskId, taskName, context));
            }

            @Override
            public void taskSucceeded(long taskId, String taskName, Duration took) {
                each.forEach(l -> l.taskSucceeded(taskId, taskName, took));
            }

            @Override
            public void taskFailed(long taskId, String taskName, Throwable error) {
                each.forEach(l -> l.taskFailed(taskId, taskName, error));
            }

            @Override
            public void taskRetrying(long taskId, String taskName, int attempt, Instant nextAttemptAt,
                                     Throwable error) {
                each.forEach(l -> l.taskRetrying(taskId, taskName, attempt, nextAttemptAt, error));
            }

            @Override
            public void taskRejected(long taskId, String taskName, String reason) {
                each.forEach(l -> l.taskRejected(taskId, taskName, reason));
            }

            @Override
            public void claimFailed(Throwable error) {
                each.forEach(l -> l.claimFailed(error));
            }

            @Override
            public void idle() {
                each.forEach(GuardedListener::idle);
            }

            @Override
            public void foremanFailed(String thread, Throwable cause) {
                each.forEach(l -> l.foremanFailed(thread, cause));
            }
        });
    }

    @Override
    public void taskStarted(long taskId, String taskName) {
        try {
            delegate.taskStarted(taskId, taskName);
        } catch (Throwable t) {
            threw("taskStarted", taskId, t);
        }
    }

    @Override
    public void taskStarted(long taskId, String taskName, TaskContext context) {
        try {
            delegate.taskStarted(taskId, taskName, context);
        } catch (Throwable t) {
            threw("taskStarted", taskId, t);
        }
    }

    @Override
    public void taskSucceeded(long taskId, String taskName, Duration took) {
        try {
            delegate.taskSucceeded(taskId, taskName, took);
        } catch (Throwable t) {
            threw("taskSucceeded", taskId, t);
        }
    }

    @Override
    public void taskFailed(long taskId, String taskName, Throwable error) {
        try {
            delegate.taskFailed(taskId, taskName, error);
        } catch (Throwable t) {
            threw("taskFailed", taskId, t);
        }
    }

    @Override
    public void taskRetrying(long taskId, String taskName, int attempt, Instant nextAttemptAt, Throwable error) {
        try {
            delegate.taskRetrying(taskId, taskName, attempt, nextAttemptAt, error);
        } catch (Throwable t) {
            threw("taskRetrying", taskId, t);
        }
    }

    @Override
    public void taskRejected(long taskId, String taskName, String reason) {
        try {
            delegate.taskRejected(taskId, taskName, reason);
        } catch (Throwable t) {
            threw("taskRejected", taskId, t);
        }
    }

    @Override
    public void claimFailed(Throwable error) {
        try {
            delegate.claimFailed(error);
        } catch (Throwable t) {
            threw("claimFailed", 0, t);
        }
    }

    @Override
    public void idle() {
        try {
            delegate.idle();
        } catch (Throwable t) {
            threw("idle", 0, t);
        }
    }

    @Override
    public void foremanFailed(String thread, Throwable cause) {
        try {
            delegate.foremanFailed(thread, cause);
        } catch (Throwable t) {
            threw("foremanFailed", 0, t);
        }
    }

    private static void threw(String hook, long taskId, Throwable t) {
        try {
            if (taskId == 0) {
                log.warn("ForemanListener.{} threw; ignored", hook, t);
            } else {
                log.warn("ForemanListener.{} threw for task {}; ignored, the task goes on", hook, ShortId.of(taskId),
                        t);
            }
        } catch (Throwable ignored) {
            // printing it ran user code too (getMessage, toString): nothing of it may escape
        }
    }
}
