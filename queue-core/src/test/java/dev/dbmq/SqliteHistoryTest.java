package dev.dbmq;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteHistoryTest extends HistoryContract {

    @TempDir
    Path dir;

    @Override
    QueueSettings.Builder settings() {
        return QueueSettings.sqlite(dir.resolve("queue.db"));
    }
}
