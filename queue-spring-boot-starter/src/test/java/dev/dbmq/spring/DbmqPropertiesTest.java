package dev.dbmq.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Foreman;
import dev.dbmq.QueueSettings;
import dev.dbmq.Synchronous;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DbmqPropertiesTest {

    /** The defaults are written out for the metadata; they must stay the core's. */
    @Test
    void the_defaults_are_the_cores() {
        DbmqProperties p = new DbmqProperties();
        assertEquals(DbmqProperties.Backend.SQLITE, p.getBackend());
        assertEquals(QueueSettings.DEFAULT_MAX_ARGS_BYTES, p.getMaxArgsBytes());
        assertEquals(QueueSettings.DEFAULT_BUSY_TIMEOUT, p.getSqlite().getBusyTimeout());
        assertEquals(Synchronous.NORMAL, p.getSqlite().getSynchronous());
        assertEquals(Foreman.DEFAULT_WORKERS, p.getForeman().getWorkers());
        assertEquals(Foreman.DEFAULT_BATCH_SIZE, p.getForeman().getBatchSize());
        assertEquals(Foreman.DEFAULT_GRACEFUL_TIMEOUT, p.getForeman().getGracefulTimeout());
        assertEquals(Foreman.DEFAULT_POLL_INTERVAL, p.getForeman().getPollInterval());
        assertEquals(Foreman.DEFAULT_UNHANDLED_TIMEOUT, p.getForeman().getUnhandledTimeout());
        assertFalse(p.getForeman().isDrainOnStop());
        assertTrue(p.getForeman().isEnabled());
        assertTrue(p.getTracing().isEnabled());
        assertNull(p.getHealth().getMaxOldestAge(), "the backlog rule is opt-in");
        assertEquals(QueueSettings.DEFAULT_HISTORY, p.getHistory());
        assertFalse(p.getDashboard().isEnabled(), "the console is opt-in");
        assertEquals(DbmqProperties.Dashboard.AccessLevel.READ_ONLY, p.getDashboard().getAccess());
    }

    /** What an IDE completes from: every property, described, with its default where it has one. */
    @Test
    void the_configuration_metadata_describes_every_property() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertNotNull(in, "the configuration processor's output is in the jar");
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, JsonNode> byName = new HashMap<>();
        metadata.get("properties").forEach(p -> byName.put(p.get("name").asText(), p));
        assertEquals(Set.of("dbmq.backend", "dbmq.max-args-bytes", "dbmq.sqlite.path", "dbmq.sqlite.synchronous",
                "dbmq.sqlite.busy-timeout", "dbmq.sqlite.wakeup-directory", "dbmq.postgres.schema",
                "dbmq.foreman.enabled", "dbmq.foreman.workers", "dbmq.foreman.lanes", "dbmq.foreman.batch-size",
                "dbmq.foreman.graceful-timeout", "dbmq.foreman.poll-interval", "dbmq.foreman.drain-on-stop",
                "dbmq.foreman.unhandled-timeout", "dbmq.health.max-oldest-age", "dbmq.tracing.enabled", "dbmq.history",
                "dbmq.dashboard.enabled", "dbmq.dashboard.path", "dbmq.dashboard.access"), byName.keySet());
        byName.forEach((name, p) -> assertFalse(p.path("description").asText().isBlank(), name + " is described"));
        assertEquals(4, byName.get("dbmq.foreman.workers").get("defaultValue").asInt());
        assertEquals("10s", byName.get("dbmq.foreman.graceful-timeout").get("defaultValue").asText());
        assertEquals("dbmq.db", byName.get("dbmq.sqlite.path").get("defaultValue").asText());
        assertTrue(byName.get("dbmq.tracing.enabled").get("defaultValue").asBoolean());
    }
}
