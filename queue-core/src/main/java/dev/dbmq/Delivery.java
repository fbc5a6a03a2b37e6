package dev.dbmq;

/**
 * What becomes of a task whose foreman died while it ran (killed, out of memory, its host lost): whether its handler
 * finished is unknown. Set per task type with {@link Task#delivery}.
 */
public enum Delivery {

    /**
     * The default: a task never runs twice. One whose foreman died while it ran is kept in the failed-tasks table with
     * a reason that starts with {@code interrupted}; {@link TaskQueue#requeueFailed} runs it again by hand.
     */
    AT_MOST_ONCE,

    /**
     * A task runs to its end at least once: one whose foreman died while it ran runs again as its next attempt, as
     * soon as another foreman finds the first one gone (SQLite: the next foreman's start; PostgreSQL: within about a
     * second, on any live foreman). So its handler may run more than once for one task and must be safe to: make it
     * idempotent (a unique key on what it writes, a payment provider's idempotency key). An interrupted attempt counts
     * toward {@link Retry#maxAttempts()}, so a task that keeps killing its foreman ends as failed, not in a crash
     * loop; the task needs a {@link Task#retry} policy with at least two attempts.
     */
    AT_LEAST_ONCE
}
