package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same application on PostgreSQL, by properties only (the machine's server: 127.0.0.1:5432, database
 * {@code test}, trust auth), in a schema of this class's own.
 */
@NeedsPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(SampleApplicationTest.Succeeded.class)
class SamplePostgresTest extends SampleApplicationTest {

    static final String URL = "jdbc:postgresql://" + System.getProperty("dbmq.pg.host", "127.0.0.1") + ":"
            + Integer.getInteger("dbmq.pg.port", 5432) + "/" + System.getProperty("dbmq.pg.database", "test");
    static final String USER = System.getProperty("dbmq.pg.user", "postgres");
    static final String SCHEMA = "dbmq_sample_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        registry.add("dbmq.backend", () -> "postgres");
        registry.add("dbmq.postgres.schema", () -> SCHEMA);
        registry.add("spring.datasource.url", () -> URL);
        registry.add("spring.datasource.username", () -> USER);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void a_signup_queues_a_welcome_that_the_handler_bean_runs() throws Exception {
        aSignupRunsTheWelcomeHandler("grace@example.com");
        assertEquals(SCHEMA, queue.settings().schema());
    }
}
