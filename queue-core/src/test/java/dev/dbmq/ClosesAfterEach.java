package dev.dbmq;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** What a test opens (queues, foremen, pools), closed after it, the last opened first: the contracts' shared part. */
abstract class ClosesAfterEach {

    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** Closes {@code t} after the test; returns it. */
    <T extends AutoCloseable> T closing(T t) {
        toClose.add(t);
        return t;
    }
}
