package dev.dbmq;

import dev.dbmq.testing.SettableClock;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteSchedulingTest extends SchedulingContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue(SettableClock clock) {
        QueueSettings.Builder settings = QueueSettings.sqlite(dir.resolve("queue.db"));
        return TaskQueue.open((clock == null ? settings : settings.clock(clock)).build());
    }

    @Override
    TaskQueue reopen(TaskQueue queue, SettableClock clock) {
        return TaskQueue.open(QueueSettings.sqlite(queue.settings().databaseFile()).clock(clock).build());
    }
}
