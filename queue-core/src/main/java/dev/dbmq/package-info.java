/**
 * dbmq: a SQL database as a background-task queue.
 *
 * <h2>The public API</h2>
 * {@link dev.dbmq.TaskQueue} (producers: enqueue, stats, failed tasks) opened with {@link dev.dbmq.QueueSettings};
 * {@link dev.dbmq.Foreman} (consumers: claims and runs tasks on a bounded pool) configured by its builder, or a
 * {@link dev.dbmq.ManualForeman} (runs what is due on the caller's thread, for tests and batch jobs);
 * {@link dev.dbmq.Task} and {@link dev.dbmq.TaskHandler} or {@link dev.dbmq.ContextualTaskHandler} (a task type and
 * its code, told its {@link dev.dbmq.TaskContext}); {@link dev.dbmq.Enqueue} (when a task may run, its unique key),
 * {@link dev.dbmq.Retry} (a task type's retries, and {@link dev.dbmq.NonRetryableException} for a failure no retry can
 * mend) and {@link dev.dbmq.Schedule} (recurring tasks); {@link dev.dbmq.ForemanListener} (hooks for metrics and error
 * reporting, each told one {@link dev.dbmq.TaskEvent} or {@link dev.dbmq.ForemanEvent});
 * {@link dev.dbmq.EnqueueInterceptor} and {@link dev.dbmq.TaskInterceptor} (code around enqueues and handlers, e.g.
 * tracing, and the metadata a task carries from one to the other); the values they return
 * ({@link dev.dbmq.QueueStats}, {@link dev.dbmq.FailedTask}) and {@link dev.dbmq.DbmqException}. Test helpers are in {@code dev.dbmq.testing}.
 * Nothing else is API: every other class here is package-private, and {@code dev.dbmq.internal} and its packages (the
 * backends, and the jOOQ classes generated from the migrations) may change in any release.
 *
 * <h2>The engine</h2>
 * The same on every database. The foreman's loop, in parts: {@code ForemanLoop} (the foreman thread's steps, and the
 * wiring), {@code LoopState} (the state the foreman thread, workers, producers and close() share: one method per
 * transition), {@code NextStep} (what the foreman thread does next: a pure function of that state and the time),
 * {@code TaskDispatcher} (claimed tasks onto worker slots), {@code WorkerClaims} (workers claiming for themselves
 * while the queue is busy), {@code Handoffs} (a producer of this JVM handing a task straight to an idle foreman),
 * {@code DueTime} (when to claim a task due later). Its seams: {@code Claims} (implemented by {@code Claimer}: a
 * claim's transaction: delete, decode, keep what can't run) and {@code AttemptRunner} (implemented by
 * {@code TaskRunner}: a worker running one handler, and {@code FailedAttempt}: what follows an attempt that threw, and
 * how it is logged); {@code ForemanWarmUp} (start() runs the foreman's statements
 * once on an {@code OfflineConnection}, so no foreman thread does jOOQ's first use inside a lock producers need);
 * {@code ForemanThreads} (the threads, and what a death means);
 * {@code OutcomeWrites} (a failed attempt's retry or failed row, tried again while the database refuses it, until the
 * stop deadline); {@code SteadyClock} (the queue's clock with backward steps taken out);
 * {@code TaskStore} (the statements that are the same on each database); {@code TaskCounters}, {@code ArgsCodec},
 * {@code Handlers}, {@code GuardedListener}; {@code EnqueueChain} and {@code TaskChain} (interceptors, guarded),
 * {@code TaskMetadata} (the metadata column's JSON), {@code Sneaky}; {@code RecurringTasks} (one pending instance per schedule, the next
 * written by the claim); {@code EverySchedule}, {@code CronSchedule}, {@code CronExpression}, {@code CronField} (the
 * schedules); {@code CallerThreadForeman} (the manual foreman of
 * {@code dev.dbmq.testing}); {@code LocalForemen} (a producer wakes a foreman of its own JVM
 * directly).
 *
 * <h2>The backends</h2>
 * Everything that differs between databases is behind a seam in {@code dev.dbmq.internal}: {@code Backend}, in three
 * concerns: {@code Storage} (connections, transactions, the statements that differ), {@code Wakeups} (producers in
 * other processes waking a foreman) and {@code Exclusivity} (how many foremen a database admits); with
 * {@code Database} and {@code TaskStore} (the statements every database shares). One package per database implements
 * it behind one public class: {@code dev.dbmq.internal.sqlite} ({@code SqliteBackend}: one connection, prepared hot
 * statements, group commit, a file lock for one foreman per database, the wakeup directory) and
 * {@code dev.dbmq.internal.postgres} ({@code PostgresBackend}: a borrowed pool, {@code FOR UPDATE SKIP LOCKED} claims,
 * LISTEN/NOTIFY). {@code TaskQueue} chooses one as it opens; nothing else here names a backend, and the engine never
 * asks which one it is on. The tests' backend contract, one interface per area ({@code InsertContract},
 * {@code ClaimContract}, …), says what a backend must do.
 */
package dev.dbmq;
