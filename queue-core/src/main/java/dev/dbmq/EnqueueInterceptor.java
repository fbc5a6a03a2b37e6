package dev.dbmq;

import java.util.List;
import java.util.Map;

/**
 * Runs around every enqueue of a {@link TaskQueue}, on the producer's thread, and may store metadata with the tasks:
 * what tracing needs (queue-opentelemetry's producer span and trace context), or a tenant or request id. Added with
 * {@link QueueSettings.Builder#enqueueInterceptor}; {@link TaskInterceptor} is its twin on the foreman's side, which
 * reads the metadata back from {@link TaskContext#metadata()}.
 *
 * <pre>{@code
 * QueueSettings.sqlite(path).enqueueInterceptor(enqueue -> {
 *     enqueue.putMetadata("request-id", RequestIds.current());
 *     enqueue.proceed();
 * })
 * }</pre>
 *
 * <p>An interceptor observes and decorates; it cannot change whether or what an enqueue writes. Each enqueue call
 * ({@code enqueue}, {@code enqueueAll}, the transactional {@code enqueue(tx, …)} and {@code enqueue(connection, …)})
 * calls it once, whatever the number of tasks, and its metadata goes with every task of the call. It should call
 * {@link Invocation#proceed()} exactly once. Whatever it does, the enqueue ends as the write did: if it throws before
 * proceeding, or returns without proceeding, the error is logged and the enqueue goes on without it (and without the
 * metadata it put); if it throws after proceeding, or swallows the write's exception, that is logged and the caller
 * gets the write's own outcome. Several interceptors run in the order added, the first outermost.
 */
@FunctionalInterface
public interface EnqueueInterceptor {

    /** Called around one enqueue call; call {@code enqueue.proceed()} once to write. */
    void aroundEnqueue(Invocation enqueue) throws Exception;

    /** One enqueue call, as an interceptor sees it. Not thread-safe: used on the producer's thread only. */
    interface Invocation {

        /** The task's name, {@link Task#name()}. */
        String taskName();

        /** How many tasks this call writes: 1, or {@code enqueueAll}'s list size. */
        int taskCount();

        /**
         * Stores {@code key = value} with the tasks of this call (replacing an earlier value of the key); only before
         * {@link #proceed()}.
         *
         * @throws IllegalArgumentException when the key is empty or over 100 characters, the value is null, either
         *                                  has a NUL or half of a surrogate pair, or all keys and values together
         *                                  would be over 8192 characters
         * @throws IllegalStateException    after {@link #proceed()}
         */
        void putMetadata(String key, String value);

        /** The metadata put so far by this and outer interceptors, unmodifiable. */
        Map<String, String> metadata();

        /**
         * Runs the inner interceptors and then the write.
         *
         * @return the tasks' ids as the enqueue returns them (one for {@code enqueue}; for a unique key a pending task
         * holds, that task's id, nothing written)
         * @throws RuntimeException      what the write threw (the caller gets it too)
         * @throws IllegalStateException when called a second time
         */
        List<Long> proceed();
    }
}
