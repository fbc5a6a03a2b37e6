package dev.dbmq;

import dev.dbmq.internal.Backend;
import dev.dbmq.internal.Database;

/**
 * What the tests of the backend packages ({@code dev.dbmq.internal.sqlite}, {@code dev.dbmq.internal.postgres}) may
 * see of an open queue: the parts {@code TaskQueue} keeps package-private, for tests that drive a backend through a
 * real queue.
 */
public final class QueueInternals {

    private QueueInternals() {
    }

    public static Backend backend(TaskQueue queue) {
        return queue.backend();
    }

    public static Database database(TaskQueue queue) {
        return queue.database();
    }
}
