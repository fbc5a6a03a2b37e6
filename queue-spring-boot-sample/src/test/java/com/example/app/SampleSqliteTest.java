package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample as it ships: the starter's default, embedded SQLite, in a file of this test's own. The module's test
 * classpath has spring-boot-starter-jdbc for {@link SamplePostgresTest}; the sample itself has no JDBC DataSource, so
 * Boot's DataSource auto-configuration is left out here as it is in the sample (with it and no URL, any Boot
 * application fails to start: "Failed to determine a suitable driver class").
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@Import(SampleApplicationTest.Succeeded.class)
class SampleSqliteTest extends SampleApplicationTest {

    @DynamicPropertySource
    static void queueFile(DynamicPropertyRegistry registry) throws IOException {
        Path file = Files.createTempDirectory(Files.createDirectories(Path.of("target", "sample-sqlite-test")), "queue")
                .resolve("queue.db");
        registry.add("dbmq.sqlite.path", file::toString);
    }

    @Test
    void a_signup_queues_a_welcome_that_the_handler_bean_runs() throws Exception {
        aSignupRunsTheWelcomeHandler("ada@example.com");
        assertEquals(null, queue.settings().dataSource(), "the embedded default");
    }

    @Test
    void the_console_is_at_dbmq_read_only() throws Exception {
        long id = signup(port, "grace@example.com");
        assertEquals("welcome " + id, next(succeeded));
        java.net.http.HttpResponse<String> task = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/dbmq/api/session"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, task.statusCode(), task.body());
        org.junit.jupiter.api.Assertions.assertTrue(task.body().contains("\"actions\":[]"), "read-only: " + task.body());
    }
}
