package dev.dbmq.migrations;

/**
 * Where dbmq's schema migrations are, for an application that applies them itself (Flyway's Maven plugin, a release
 * job) ahead of a deploy. A queue applies them on its own when it opens, so most applications never need this: the
 * queue then finds its schema current and runs no Flyway at all.
 *
 * <p>Point Flyway at the location of the queue's database and at {@link #HISTORY_TABLE}, never at the application's
 * own history table: the two histories must not mix.
 */
public final class QueueSchema {

    /** Flyway's history table for the dbmq schema. */
    public static final String HISTORY_TABLE = "dbmq_schema_history";
    /** The Flyway location of the SQLite scripts. */
    public static final String SQLITE_LOCATION = "classpath:dev/dbmq/migrations/sqlite";
    /** The Flyway location of the PostgreSQL scripts. */
    public static final String POSTGRESQL_LOCATION = "classpath:dev/dbmq/migrations/postgresql";

    private QueueSchema() {
    }
}
