package dev.dbmq.internal;

/**
 * Where a backend gets the threads it runs for a foreman (the wakeup watcher, the LISTEN thread): the foreman makes
 * them, so that one ending without a stop request is reported, and the foreman stops looking healthy.
 */
@FunctionalInterface
public interface WatchedThreads {

    /**
     * A daemon thread running {@code body}, not yet started, named by the foreman for its {@code role} ("listen").
     *
     * @param consequence what stops happening when it dies, for the log ("no more tasks will be claimed")
     */
    Thread newThread(String role, Runnable body, String consequence);
}
