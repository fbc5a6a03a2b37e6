package dev.dbmq.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/** What Boot loads from the starter's jar: each auto-configuration by its name, named as Boot's own are. */
class AutoConfigurationImportsTest {

    @Test
    void the_imports_file_lists_each_auto_configuration_and_each_is_one() throws Exception {
        String imports;
        try (InputStream in = getClass().getResourceAsStream(
                "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            assertNotNull(in, "the imports file is in the jar");
            imports = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> names = imports.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertEquals(List.of(DbmqAutoConfiguration.class.getName(), DbmqActuatorAutoConfiguration.class.getName(),
                DbmqMetricsAutoConfiguration.class.getName(), DbmqTracingAutoConfiguration.class.getName(),
                DbmqDashboardAutoConfiguration.class.getName()), names);
        for (String name : names) {
            Class<?> type = Class.forName(name);
            assertTrue(type.isAnnotationPresent(AutoConfiguration.class), name + " is an @AutoConfiguration");
            assertTrue(type.getSimpleName().endsWith("AutoConfiguration"), name + " is named as Boot's are");
        }
    }
}
