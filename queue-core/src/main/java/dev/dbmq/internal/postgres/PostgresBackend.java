package dev.dbmq.internal.postgres;

import dev.dbmq.QueueSettings;
import dev.dbmq.internal.Backend;
import dev.dbmq.internal.Exclusivity;
import dev.dbmq.internal.Storage;
import dev.dbmq.internal.Wakeups;
import java.nio.file.Path;

/**
 * The PostgreSQL backend: one database shared by foremen on many hosts, any number of them; an insert trigger's
 * NOTIFY wakes them all, whoever enqueued. Its parts: {@link PostgresStorage} with {@link PostgresDatabase}
 * (connections borrowed from the application's DataSource, the schema mapping), and {@link PostgresWakeups} with
 * {@link PostgresListener} (LISTEN).
 *
 * <p>It keys itself by the DataSource's identity and the schema: two queues of this JVM on one pool and schema are
 * one database to {@code dev.dbmq.LocalForemen}. Two pools on one database are two keys, which costs nothing but a
 * direct wakeup: the NOTIFY still comes.
 */
public final class PostgresBackend implements Backend {

    private final QueueSettings settings;
    private final PostgresDatabase database;
    private final String key;
    private final PostgresStorage storage;
    private final PostgresWakeups wakeups;

    public PostgresBackend(QueueSettings settings) {
        this.settings = settings;
        this.database = new PostgresDatabase(settings);
        this.key = "postgres:" + System.identityHashCode(settings.dataSource()) + ":" + settings.schema();
        this.storage = new PostgresStorage(database);
        this.wakeups = new PostgresWakeups(database, settings.schema());
    }

    @Override
    public Path wakeupDirectory() {
        return null; // LISTEN/NOTIFY
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String describeOpened() {
        return "opened queue on PostgreSQL database \"" + database.databaseName() + "\", "
                + (settings.schema() == null ? "the connections' current schema" : "schema " + settings.schema())
                + " (schema version " + database.schemaVersion() + ")";
    }

    @Override
    public Storage storage() {
        return storage;
    }

    @Override
    public Wakeups wakeups() {
        return wakeups;
    }

    /** Any number of foremen: nothing to take. */
    @Override
    public Exclusivity exclusivity() {
        return Exclusivity.ANY_NUMBER;
    }

    /** The data source belongs to the application: it is not closed. */
    @Override
    public void close() {
        database.close();
    }
}
