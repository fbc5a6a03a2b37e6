package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Enqueue;
import dev.dbmq.FailedFilter;
import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.PendingFilter;
import dev.dbmq.QueueSettings;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CLI's main paths on PostgreSQL, reached as a user reaches it: a JDBC URL and {@code --schema}. One schema for
 * the class, emptied before each test; sessions in a time zone that is not UTC. Skipped without a server, unless
 * {@code DBMQ_REQUIRE_POSTGRES=1}.
 */
@Tag("postgres")
class CliPostgresTest {

    record Args(int n) {
    }

    static final Task<Args> EMAIL = Task.of("email", Args.class);
    static final Task<Args> SMS = Task.of("sms", Args.class);

    static String schema;
    static TaskQueue queue;
    CliRunner cli;

    @BeforeAll
    static void migratedSchema() {
        schema = CliPostgres.newSchema();
        queue = TaskQueue.open(QueueSettings.postgres(CliPostgres.dataSource()).schema(schema).build());
    }

    @AfterAll
    static void dropSchema() throws Exception {
        if (queue != null) {
            queue.close();
        }
        CliPostgres.dropSchema(schema);
    }

    @BeforeEach
    void emptyQueue() {
        queue.cancelPending(PendingFilter.all());
        queue.deleteFailed(FailedFilter.all());
        cli = new CliRunner("--db", CliPostgres.url(), "--schema", schema);
    }

    void failEmailsAndSms() {
        queue.enqueue(EMAIL, new Args(1));
        queue.enqueue(EMAIL, new Args(2));
        queue.enqueue(SMS, new Args(3));
        try (ManualForeman foreman = Foreman.builder(queue)
                .handle(EMAIL, a -> {
                    throw new IllegalStateException("timeout");
                })
                .handle(SMS, a -> {
                    throw new IllegalStateException("refused");
                })
                .startManual()) {
            assertEquals(3, foreman.runPending());
        }
    }

    @Test
    void status_reads_the_schema_named_by_schema() throws Exception {
        queue.enqueue(EMAIL, new Args(1));
        queue.enqueue(EMAIL, new Args(2), Enqueue.after(Duration.ofHours(1)));
        CliRunner.Run r = cli.run("status", "--json", "--min-foremen", "0");
        assertEquals(0, r.exit(), r.toString());
        JsonNode json = new ObjectMapper().readTree(r.out());
        String url = CliPostgres.url();
        assertEquals(url.substring(0, url.indexOf('?')) + " schema " + schema, json.get("queue").asText(),
                "the URL without its parameters");
        assertEquals(2, json.get("pending").asLong());
        assertEquals(1, json.get("due").asLong());
        assertEquals(1, json.get("scheduled").asLong());
        assertEquals(2, json.at("/tasks/email/pending").asLong());

        CliRunner.Run unhealthy = cli.run("status", "--min-foremen", "1");
        assertEquals(1, unhealthy.exit(), unhealthy.toString());
        assertTrue(unhealthy.out().contains("foremen      0 live\n"), unhealthy.out());
    }

    @Test
    void failed_list_requeue_and_delete_by_filters() throws Exception {
        failEmailsAndSms();
        JsonNode listed = new ObjectMapper().readTree(cli.run("failed", "list", "--json", "--reason", "timeout")
                .out());
        assertEquals(2, listed.get("matching").asInt());
        assertEquals("email", listed.at("/failed/0/taskName").asText());

        CliRunner.Run refused = cli.run("failed", "requeue");
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("requeue needs a filter"), refused.err());

        assertEquals("requeued 2 failed tasks\n", cli.run("failed", "requeue", "--name", "email").out());
        assertEquals(2, queue.pending());
        assertEquals("deleted 1 failed task\n", cli.run("failed", "delete", "--failed-before", "+1m").out());
        assertEquals(0, queue.countFailed(FailedFilter.all()));
    }

    @Test
    void cancel_one_and_in_bulk() {
        long one = queue.enqueue(EMAIL, new Args(1));
        queue.enqueue(SMS, new Args(2), Enqueue.after(Duration.ofDays(1)).key("trial:2"));
        queue.enqueue(SMS, new Args(3), Enqueue.after(Duration.ofDays(1)).key("trial:3"));
        assertEquals(0, cli.run("cancel", Long.toString(one)).exit());
        assertEquals(1, cli.run("cancel", Long.toString(one)).exit(), "gone already");
        assertEquals("cancelled 2 pending tasks\n", cli.run("cancel", "--key-prefix", "trial:").out());
        assertEquals(0, queue.pending());
    }

    @Test
    void running_and_foremen_on_an_idle_queue() throws Exception {
        assertEquals("no attempts running\n", cli.run("running").out());
        assertEquals("no live foremen\n", cli.run("foremen").out());
        assertEquals(0, new ObjectMapper().readTree(cli.run("foremen", "--json").out()).get("foremen").size());
    }

    @Test
    void a_schema_without_a_queue_is_refused_and_left_empty() throws Exception {
        String empty = CliPostgres.newSchema();
        try {
            CliRunner.Run r = new CliRunner("--db", CliPostgres.url(), "--schema", empty).run("status");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("holds no dbmq queue (no dbmq_schema_history table in schema " + empty + ")"),
                    r.err());
            try (var c = CliPostgres.dataSource().getConnection();
                 var st = c.prepareStatement("SELECT count(*) FROM pg_tables WHERE schemaname = ?")) {
                st.setString(1, empty);
                try (var rs = st.executeQuery()) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "not migrated");
                }
            }
        } finally {
            CliPostgres.dropSchema(empty);
        }
    }

    @Test
    void a_server_that_does_not_answer_exits_2() {
        CliRunner.Run r = new CliRunner("--db", "jdbc:postgresql://127.0.0.1:1/test?connectTimeout=5").run("status");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: cannot read the queue at jdbc:postgresql://127.0.0.1:1/test: "),
                r.err());
    }

    @Test
    void a_bad_schema_name_is_bad_usage() {
        CliRunner.Run r = new CliRunner("--db", CliPostgres.url(), "--schema", "No-Such").run("status");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("schema must match"), r.err());
    }
}
