package dev.dbmq.dashboard;

import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link DashboardHttpContract} on an embedded SQLite queue. */
class DashboardHttpSqliteTest extends DashboardHttpContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue() {
        return TaskQueue.sqlite(dir.resolve("q.db"));
    }
}
