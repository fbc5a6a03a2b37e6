package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.internal.migrations.QueueMigrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Flyway command of docs/operating.md ({@code mvn -pl queue-migrations flyway:migrate -Dflyway.url=…}) as
 * queue-migrations' pom configures it without {@code -Ddbmq.vendor}: the SQLite scripts, and the check folder whose
 * {@code afterConnect.sql} Flyway runs on each connection. Pointed at PostgreSQL by mistake, it must fail naming the
 * flag and leave nothing behind (it once failed on AUTOINCREMENT and left a schema with an empty history table).
 */
class MigrationCommandTest {

    private static final Path MIGRATIONS = Path.of("..", "queue-migrations").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** What the plugin runs with the pom's defaults: its locations, ${dbmq.vendor} at its default. */
    private static FluentConfiguration pluginDefaults() throws Exception {
        Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(MIGRATIONS.resolve("pom.xml").toFile()).getDocumentElement();
        String vendor = pom.getElementsByTagName("dbmq.vendor").item(0).getTextContent();
        NodeList nodes = pom.getElementsByTagName("location");
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            locations.add(nodes.item(i).getTextContent().replace("${project.basedir}", MIGRATIONS.toString())
                    .replace("${dbmq.vendor}", vendor));
        }
        return Flyway.configure()
                .locations(locations.toArray(String[]::new))
                .table(QueueMigrations.HISTORY_TABLE);
    }

    @NeedsPostgres
    @Test
    void without_the_vendor_flag_on_postgresql_it_fails_naming_the_flag_and_creates_nothing() throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_cmd");
        try (HikariDataSource pg = PostgresSupport.pool(2)) {
            try {
                Flyway flyway = pluginDefaults().dataSource(pg).schemas(schema).load();
                Exception e = assertThrows(Exception.class, flyway::migrate);
                assertTrue(String.valueOf(e.getMessage()).contains("-Ddbmq.vendor=postgresql"), e.toString());
                assertFalse(schemaExists(pg, schema), "schema " + schema + " left behind");
            } finally {
                PostgresSupport.dropSchema(pg, schema);
            }
        }
    }

    @Test
    void on_sqlite_it_migrates() throws Exception {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + dir.resolve("queue.db"));
        assertEquals(CurrentSchemaTest.NEWEST,
                pluginDefaults().dataSource(sqlite).load().migrate().targetSchemaVersion);
    }

    private static boolean schemaExists(javax.sql.DataSource ds, String schema) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
