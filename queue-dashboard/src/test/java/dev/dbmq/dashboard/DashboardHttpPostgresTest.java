package dev.dbmq.dashboard;

import dev.dbmq.QueueSettings;
import dev.dbmq.TaskQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/**
 * {@link DashboardHttpContract} on PostgreSQL, in a schema of its own (dropped after); skipped without a server unless
 * {@code DBMQ_REQUIRE_POSTGRES=1}.
 */
@Tag("postgres")
class DashboardHttpPostgresTest extends DashboardHttpContract {

    private String schema;

    @Override
    TaskQueue openQueue() {
        PostgresQueues.assumeAvailable();
        schema = PostgresQueues.newSchema();
        return TaskQueue.open(QueueSettings.postgres(PostgresQueues.dataSource()).schema(schema).build());
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            PostgresQueues.dropSchema(schema);
        }
    }
}
