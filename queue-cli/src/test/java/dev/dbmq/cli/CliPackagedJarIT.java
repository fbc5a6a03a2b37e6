package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar that {@code mvn package} builds, and the {@code dbmq} script beside it, run as child processes as
 * a user runs them. Runs in the integration-test phase (maven-failsafe-plugin, {@code mvn verify}), which passes the
 * jar's path; skipped when there is no jar (a test run that did not package).
 */
class CliPackagedJarIT {

    static final long TIMEOUT_SECONDS = 120;

    record Args(int n) {
    }

    @TempDir
    Path dir;
    Path jar;
    Path db;

    @BeforeEach
    void aQueueAndTheJar() {
        String path = System.getProperty("dbmq.cli.jar");
        Assumptions.assumeTrue(path != null && Files.isRegularFile(Path.of(path)),
                "no packaged jar (dbmq.cli.jar=" + path + "): `mvn verify` builds and passes it");
        jar = Path.of(path);
        db = dir.resolve("queue.db");
        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            queue.enqueue(Task.of("digest", Args.class), new Args(1));
        }
    }

    record Result(int exit, String out, String err) {
    }

    Result run(Map<String, String> env, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().remove("DBMQ_DB");
        pb.environment().remove("DBMQ_SCHEMA");
        pb.environment().putAll(env);
        File out = dir.resolve("out.txt").toFile();
        File err = dir.resolve("err.txt").toFile();
        pb.redirectOutput(out).redirectError(err);
        Process p = pb.start();
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "ended: " + command);
        return new Result(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    Result jar(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return run(env, command);
    }

    @Test
    void the_jar_prints_status_and_exits_by_its_checks() throws Exception {
        Result ok = jar(Map.of(), "--db", db.toString(), "status");
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("pending      1\n"), ok.out());
        assertEquals("", ok.err(), "quiet: no log lines");

        Result failed = jar(Map.of(), "--db", db.toString(), "status", "--json", "--min-foremen", "1");
        assertEquals(1, failed.exit(), failed.toString());
        JsonNode json = new ObjectMapper().readTree(failed.out());
        assertFalse(json.get("healthy").asBoolean());
        assertEquals(1, json.get("pending").asInt());
    }

    @Test
    void the_jar_reads_DBMQ_DB_and_refuses_a_missing_file() throws Exception {
        Result fromEnv = jar(Map.of("DBMQ_DB", db.toString()), "failed", "list");
        assertEquals(0, fromEnv.exit(), fromEnv.toString());
        assertEquals("no failed tasks kept\n", fromEnv.out());

        Path missing = dir.resolve("missing.db");
        Result none = jar(Map.of(), "--db", missing.toString(), "status");
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().startsWith("error: no queue database at " + missing), none.err());
        assertFalse(Files.exists(missing));
    }

    /** The wrapper script: its first run makes the class archive, and no JVM message reaches stdout (JSON stays JSON). */
    @Test
    void the_script_makes_its_class_archive_and_keeps_stdout_clean() throws Exception {
        Path script = jar.resolveSibling("dbmq");
        Assumptions.assumeTrue(Files.isExecutable(script), "no " + script + " (made by `mvn package`)");
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("DBMQ_CACHE", cache.toString(),
                "JAVA_HOME", System.getProperty("java.home"));
        for (int run = 1; run <= 2; run++) {
            Result r = run(env, List.of(script.toString(), "--db", db.toString(), "status", "--json"));
            assertEquals(0, r.exit(), "run " + run + ": " + r);
            assertEquals(1, new ObjectMapper().readTree(r.out()).get("pending").asInt(), r.out());
            assertEquals("", r.err(), "run " + run);
        }
        try (var files = Files.list(cache)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().anyMatch(n -> n.matches("dbmq-\\d+\\.jsa")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.matches("native-\\d+")), names.toString());
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".tmp")), names.toString());
        }
    }
}
