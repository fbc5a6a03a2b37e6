package dev.dbmq;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names a foreman's threads so that what a log pattern keeps of a name says what the thread is: Spring Boot's keeps
 * the last 15 characters, which hold all of {@code dbmq-worker-12} or {@code dbmq2-foreman}. The foreman's id (host,
 * pid, a random part) would not fit, so a JVM's foremen are told apart by their number in it instead: the first one's
 * threads are {@code dbmq-…}, the second's {@code dbmq2-…}; the foreman's start line names its prefix.
 */
final class ThreadNames {

    private static final AtomicInteger FOREMEN = new AtomicInteger();

    private ThreadNames() {
    }

    /** The prefix of the next foreman's threads (any thread). */
    static String nextPrefix() {
        return prefix(FOREMEN.incrementAndGet());
    }

    /** The prefix of the JVM's {@code nth} foreman's threads, 1 for the first. */
    static String prefix(int nth) {
        return nth == 1 ? "dbmq" : "dbmq" + nth;
    }

    static String name(String prefix, String role) {
        return prefix + "-" + role;
    }
}
