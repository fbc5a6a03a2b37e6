package dev.dbmq;

import dev.dbmq.testing.SettableClock;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteBulkOperationsTest extends BulkOperationsContract {

    @TempDir
    Path dir;

    @Override
    TaskQueue openQueue(SettableClock clock) {
        return TaskQueue.open(QueueSettings.sqlite(dir.resolve("queue.db")).clock(clock).build());
    }

    @Override
    void refuseInsertsOf(TaskQueue queue, String args) {
        queue.database().autocommit(dsl -> dsl.execute("create trigger refuse before insert on dbmq_task when new.args"
                + " = " + dsl.render(org.jooq.impl.DSL.inline(args)) + " begin select raise(abort, 'refused by the test'); end"));
    }

    @Override
    void allowInserts(TaskQueue queue) {
        queue.database().autocommit(dsl -> dsl.execute("drop trigger refuse"));
    }
}
