package dev.dbmq;

import java.util.List;
import java.util.function.BiConsumer;
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
            public void taskStarted(TaskEvent.Started event) {
                each.forEach(l -> l.taskStarted(event));
            }

            @Override
            public void taskSucceeded(TaskEvent.Succeeded event) {
                each.forEach(l -> l.taskSucceeded(event));
            }

            @Override
            public void taskRetrying(TaskEvent.Retrying event) {
                each.forEach(l -> l.taskRetrying(event));
            }

            @Override
            public void taskFailed(TaskEvent.Failed event) {
                each.forEach(l -> l.taskFailed(event));
            }

            @Override
            public void taskRejected(TaskEvent.Rejected event) {
                each.forEach(l -> l.taskRejected(event));
            }

            @Override
            public void taskInterrupted(TaskEvent.Interrupted event) {
                each.forEach(l -> l.taskInterrupted(event));
            }

            @Override
            public void taskSnoozed(TaskEvent.Snoozed event) {
                each.forEach(l -> l.taskSnoozed(event));
            }

            @Override
            public void taskCancelled(TaskEvent.Cancelled event) {
                each.forEach(l -> l.taskCancelled(event));
            }

            @Override
            public void taskFenced(TaskEvent.Fenced event) {
                each.forEach(l -> l.taskFenced(event));
            }

            @Override
            public void claimFailed(ForemanEvent.ClaimFailed event) {
                each.forEach(l -> l.claimFailed(event));
            }

            @Override
            public void idle(ForemanEvent.Idle event) {
                each.forEach(l -> l.idle(event));
            }

            @Override
            public void foremanFailed(ForemanEvent.ThreadDied event) {
                each.forEach(l -> l.foremanFailed(event));
            }
        });
    }

    @Override
    public void taskStarted(TaskEvent.Started event) {
        call("taskStarted", event, ForemanListener::taskStarted);
    }

    @Override
    public void taskSucceeded(TaskEvent.Succeeded event) {
        call("taskSucceeded", event, ForemanListener::taskSucceeded);
    }

    @Override
    public void taskRetrying(TaskEvent.Retrying event) {
        call("taskRetrying", event, ForemanListener::taskRetrying);
    }

    @Override
    public void taskFailed(TaskEvent.Failed event) {
        call("taskFailed", event, ForemanListener::taskFailed);
    }

    @Override
    public void taskRejected(TaskEvent.Rejected event) {
        call("taskRejected", event, ForemanListener::taskRejected);
    }

    @Override
    public void taskInterrupted(TaskEvent.Interrupted event) {
        call("taskInterrupted", event, ForemanListener::taskInterrupted);
    }

    @Override
    public void taskSnoozed(TaskEvent.Snoozed event) {
        call("taskSnoozed", event, ForemanListener::taskSnoozed);
    }

    @Override
    public void taskCancelled(TaskEvent.Cancelled event) {
        call("taskCancelled", event, ForemanListener::taskCancelled);
    }

    @Override
    public void taskFenced(TaskEvent.Fenced event) {
        call("taskFenced", event, ForemanListener::taskFenced);
    }

    @Override
    public void claimFailed(ForemanEvent.ClaimFailed event) {
        call("claimFailed", event, ForemanListener::claimFailed);
    }

    @Override
    public void idle(ForemanEvent.Idle event) {
        call("idle", event, ForemanListener::idle);
    }

    @Override
    public void foremanFailed(ForemanEvent.ThreadDied event) {
        call("foremanFailed", event, ForemanListener::foremanFailed);
    }

    private <E> void call(String hook, E event, BiConsumer<ForemanListener, E> body) {
        try {
            body.accept(delegate, event);
        } catch (Throwable t) {
            threw(hook, event instanceof TaskEvent e ? e.taskId() : 0, t);
        }
    }

    private static void threw(String hook, long taskId, Throwable t) {
        try {
            if (taskId == 0) {
                log.warn("ForemanListener.{} threw; ignored", hook, t);
            } else {
                log.warn("ForemanListener.{} threw for task {}; ignored, the task goes on", hook, taskId,
                        t);
            }
        } catch (Throwable ignored) {
            // printing it ran user code too (getMessage, toString): nothing of it may escape
        }
    }
}
