package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Foreman;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import dev.dbmq.testing.RecordingListener;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dbmq running} and {@code dbmq foremen} on SQLite, while a started foreman holds one attempt running. */
class CliRunningAndForemenTest {

    record Args(int n) {
    }

    static final Task<Args> SLOW = Task.of("slow", Args.class);
    static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void running_and_foremen_list_what_a_live_foreman_does() throws Exception {
        Path db = dir.resolve("queue.db");
        CliRunner cli = new CliRunner("--db", db.toString());
        RecordingListener events = new RecordingListener();
        CountDownLatch reported = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals("no attempts running\n", cli.run("running").out());
            assertEquals("no live foremen\n", cli.run("foremen").out());
            try (Foreman foreman = Foreman.builder(queue).workers(2).listener(events)
                    .handle(SLOW, (a, ctx) -> {
                        ctx.progress(0.25, "a quarter");
                        reported.countDown();
                        release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    })
                    .start()) {
                long id = queue.enqueue(SLOW, new Args(1));
                assertTrue(reported.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the handler ran");
                // the claim wrote the attempt's record; the foreman writes reported progress to it soon after
                events.await(() -> queue.running().get(0).progress().isPresent(), Duration.ofSeconds(TIMEOUT_SECONDS),
                        "the progress in the attempt's record");

                CliRunner.Run running = cli.run("running");
                assertEquals(0, running.exit(), running.toString());
                String[] lines = running.out().split("\n");
                assertEquals(2, lines.length, running.out());
                assertTrue(lines[0].matches(" *id +task +attempt +foreman +started +for +progress +note"), lines[0]);
                assertTrue(lines[1].matches(" *" + id + " +slow +1 +" + java.util.regex.Pattern.quote(foreman.id())
                        + " +\\S+Z +.+ +25% +a quarter"), lines[1]);

                JsonNode json = new ObjectMapper().readTree(cli.run("running", "--json").out());
                JsonNode r = json.get("running").get(0);
                assertEquals(id, r.get("id").asLong());
                assertEquals("slow", r.get("taskName").asText());
                assertEquals(1, r.get("attempt").asInt());
                assertEquals(foreman.id(), r.get("foremanId").asText());
                Instant.parse(r.get("startedAt").asText());
                assertEquals(0.25, r.get("progress").asDouble());
                assertEquals("a quarter", r.get("note").asText());

                CliRunner.Run foremen = cli.run("foremen");
                assertEquals(0, foremen.exit(), foremen.toString());
                assertTrue(foremen.out().matches("(?s)id +host +pid +started +workers +busy +state\n"
                        + java.util.regex.Pattern.quote(foreman.id()) + " +\\S+ +" + ProcessHandle.current().pid()
                        + " +\\S+Z +2 +1 +RUNNING\n"), foremen.out());
                JsonNode f = new ObjectMapper().readTree(cli.run("foremen", "--json").out()).get("foremen").get(0);
                assertEquals(foreman.id(), f.get("id").asText());
                assertEquals(ProcessHandle.current().pid(), f.get("pid").asLong());
                assertEquals(2, f.get("workers").asInt());
                assertEquals(1, f.get("busy").asInt());
                assertEquals("RUNNING", f.get("state").asText());
                assertEquals("slow", f.get("handles").get(0).asText());
                Instant.parse(f.get("startedAt").asText());
                release.countDown(); // before close(), which would wait for the attempt
            } finally {
                release.countDown(); // after close() when an assertion failed: the handler's wait has a timeout
            }
            assertEquals("no live foremen\n", cli.run("foremen").out(), "a stopped foreman is not listed");
        }
    }
}
