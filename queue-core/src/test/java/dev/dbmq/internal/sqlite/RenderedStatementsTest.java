package dev.dbmq.internal.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * SQLite's fixed hot statements come from the file the build rendered with jOOQ, and it is what jOOQ
 * renders from today's generated schema classes: a stale file (classes and resources out of step) fails here.
 */
class RenderedStatementsTest {

    @Test
    void the_built_statements_are_what_jooq_renders_now() throws Exception {
        Properties built = new Properties();
        try (InputStream in = SqliteStatements.class.getResourceAsStream(SqliteStatements.Rendering.RESOURCE)) {
            assertNotNull(in, "queue-core's build writes " + SqliteStatements.Rendering.RESOURCE);
            built.load(in);
        }
        Map<String, String> now = SqliteStatements.Rendering.all();
        assertEquals(now, Map.copyOf(built), "every statement, as jOOQ renders it now");
        assertEquals(now.get("insert"), SqliteStatements.INSERT);
        assertEquals(now.get("insertRows"), SqliteStatements.INSERT_ROWS);
        assertEquals(now.get("nextDue"), SqliteStatements.NEXT_DUE);
        assertEquals(now.get("claimAnyName"), SqliteStatements.claimSql(null));
    }
}
