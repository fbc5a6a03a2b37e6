package dev.dbmq;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.io.TempDir;

class SqliteMalformedTextTest extends MalformedTextContract {

    @TempDir
    Path dir;

    @Override
    QueueSettings.Builder newQueueSettings() {
        return QueueSettings.sqlite(dir.resolve("queue.db"));
    }

    @Override
    <T> T inTransaction(Function<DSLContext, T> work) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"))) {
            return DSL.using(c, SQLDialect.SQLITE).transactionResult(cfg -> work.apply(cfg.dsl()));
        }
    }
}
