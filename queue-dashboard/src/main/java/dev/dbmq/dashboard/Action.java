package dev.dbmq.dashboard;

/**
 * What an operator may do in the dashboard beyond looking: each mutating API call needs one, checked on the server
 * whatever the page shows. An {@link Access} is a set of these.
 */
public enum Action {

    /** Cancel pending tasks (they never run) and ask running ones to stop: {@code TaskQueue.cancel}. */
    CANCEL,

    /** Put kept failed tasks back in the queue: {@code TaskQueue.requeueFailed}. */
    REQUEUE,

    /** Delete kept failed tasks: {@code TaskQueue.deleteFailed}. */
    DELETE,

    /** Pause and resume lanes, for every foreman: {@code TaskQueue.pause}, {@code TaskQueue.resume}. */
    PAUSE,

    /**
     * See tasks' args and metadata. They are the application's data and may hold personal or secret values, so every
     * API response leaves them out unless the caller has this.
     */
    VIEW_ARGS
}
