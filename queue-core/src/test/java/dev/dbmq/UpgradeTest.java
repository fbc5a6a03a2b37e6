package dev.dbmq;

import static dev.dbmq.TestTasks.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.dbmq.migrations.QueueSchema;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A database made by an earlier release (0.1: schema version 1; 0.2: version 2; 0.3: version 3), with tasks
 * pending, opened by today's {@link TaskQueue}: it is migrated to the newest schema on the classpath, and today's
 * foreman runs every task the old release left behind, exactly once, leaving its failed tasks and counts as they were.
 * (The rows are written as 0.1 wrote them; 0.2 wrote the same columns; 0.3's new columns take their defaults: due at
 * once, first attempt, no key.)
 *
 * <p>The old database is made as 0.1 made it: Flyway with dbmq's locations and history table, stopped at version 1
 * ({@code target("1")}), then rows written with plain SQL as 0.1's statements wrote them. The newest version is not
 * written here: it is the highest {@code V<n>__*.sql} found in the migration folder on the classpath, so this test
 * checks a real upgrade as soon as a V2 exists, and until then that a version-1 database opens and runs.
 *
 * <p>Limitation: "0.1's V1" is today's V1 file. An edit to V1 (which would break Flyway's checksum validation on
 * real 0.1 databases) is not caught here.
 */
class UpgradeTest {

    /** As release 0.1 configured Flyway: its history table, never the application's flyway_schema_history. */
    static final String RELEASE_0_1_HISTORY_TABLE = "dbmq_schema_history";
    static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.*\\.sql");

    static final int PENDING = 500;
    /** 0.1's past, before the upgrade: 3 "boom" tasks failed (ids 1-3), 7 echo tasks ran (ids 4-10). */
    static final int FAILED_BEFORE = 3;
    static final int DONE_BEFORE = 7;
    static final long WRITTEN_AT = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
    static final long FAILED_AT = WRITTEN_AT + 1_000;
    static final String REASON = "handler threw java.lang.IllegalStateException: boom";

    @TempDir
    Path dir;

    /** Every earlier schema version. */
    @ParameterizedTest(name = "schema version {0}")
    @ValueSource(strings = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"})
    void a_sqlite_database_made_by_an_earlier_release_with_tasks_pending_is_migrated_and_runs_them_all(
            String version) throws Exception {
        Path db = dir.resolve("queue.db");
        // 0.1 created the file owner-only before SQLite opened it, and migrated it in WAL mode.
        Files.createFile(db, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        SQLiteDataSource old = new SQLiteDataSource(config);
        old.setUrl("jdbc:sqlite:" + db);
        String location = QueueSchema.SQLITE_LOCATION;
        makeReleaseDatabase(Flyway.configure(UpgradeTest.class.getClassLoader()).dataSource(old)
                .locations(location), version);
        writeAsRelease01(old, "");
        assertEquals(versionsUpTo(version), appliedVersions(old, ""), "a version-" + version + " database");

        try (TaskQueue queue = TaskQueue.sqlite(db)) {
            assertEquals(migrationFiles(location), appliedVersions(old, ""),
                    "every migration on the classpath applied, the newest last");
            runsEverythingRelease01LeftBehind(queue);
            // While the queue is open, so its -wal and -shm (created since: 0.1's closed with its last connection)
            // are there to check too.
            for (String name : new String[] {"queue.db", "queue.db-wal", "queue.db-shm"}) {
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve(name))), name + " still owner-only");
            }
        }
    }

    @NeedsPostgres
    @ParameterizedTest(name = "schema version {0}")
    @ValueSource(strings = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"})
    void a_postgres_schema_made_by_an_earlier_release_with_tasks_pending_is_migrated_and_runs_them_all(
            String version) throws Exception {
        String schema = PostgresSupport.newSchema("dbmq_upgrade");
        try (HikariDataSource pool = PostgresSupport.pool(8)) {
            try {
                String location = QueueSchema.POSTGRESQL_LOCATION;
                makeReleaseDatabase(Flyway.configure(UpgradeTest.class.getClassLoader()).dataSource(pool)
                        .locations(location).schemas(schema).defaultSchema(schema).createSchemas(true), version);
                writeAsRelease01(pool, schema + ".");
                assertEquals(versionsUpTo(version), appliedVersions(pool, schema + "."),
                        "a version-" + version + " schema");

                try (TaskQueue queue = TaskQueue.open(QueueSettings.postgres(pool).schema(schema).build())) {
                    assertEquals(migrationFiles(location), appliedVersions(pool, schema + "."),
                            "every migration on the classpath applied, the newest last");
                    runsEverythingRelease01LeftBehind(queue);
                }
            } finally {
                PostgresSupport.dropSchema(pool, schema);
            }
        }
    }

    /** Today's foreman on the upgraded queue: every pending task once, and 0.1's failed tasks and counts intact. */
    private static void runsEverythingRelease01LeftBehind(TaskQueue queue) {
        assertEquals(PENDING, queue.pending(), "0.1's tasks are still pending after the migration");
        AtomicIntegerArray runs = new AtomicIntegerArray(PENDING);
        Recorder recorder = new Recorder();
        Foreman foreman = Foreman.builder(queue)
                .handle(ECHO, args -> runs.incrementAndGet(args.n()))
                .listener(recorder)
                .stopOnShutdown(false)
                .start();
        try {
            recorder.awaitCount("succeeded", PENDING);
        } finally {
            foreman.close(); // waits for running handlers and flushes the counts: nothing moves after this
        }

        assertEquals(PENDING, recorder.count("started"), "no task ran twice: " + recorder.events.size() + " events");
        assertEquals(PENDING, recorder.count("succeeded"));
        assertEquals(0, recorder.count("rejected") + recorder.count("failed") + recorder.count("claimFailed"),
                () -> "nothing rejected or failed: " + recorder.events.stream().filter(e -> !e.kind().equals(
                        "started") && !e.kind().equals("succeeded")).limit(5).toList());
        for (int n = 0; n < PENDING; n++) {
            assertEquals(1, runs.get(n), "task with args n=" + n + " ran once");
        }
        assertEquals(0, queue.pending());

        QueueStats stats = queue.stats();
        assertEquals(Map.of("echo", new QueueStats.TaskCounts(DONE_BEFORE + PENDING, 0),
                "boom", new QueueStats.TaskCounts(0, FAILED_BEFORE)), stats.counts(), "0.1's counts, added to");
        List<FailedTask> failed = new ArrayList<>(queue.failedTasks(100));
        failed.sort(Comparator.comparingLong(FailedTask::id));
        List<FailedTask> expected = new ArrayList<>();
        for (int i = 0; i < FAILED_BEFORE; i++) {
            expected.add(new FailedTask(i + 1, "boom", "{\"n\":" + i + "}", Instant.ofEpochMilli(WRITTEN_AT),
                    Instant.ofEpochMilli(FAILED_AT), REASON, 1));
        }
        assertEquals(expected, failed, "0.1's failed tasks, as they were");

        // Ids are never reused across the upgrade: a new task can't take the id of a kept failed task (1-3), nor of
        // any task 0.1 handed out.
        long next = queue.enqueue(ECHO, new TestTasks.Echo(-1));
        assertTrue(next > FAILED_BEFORE + DONE_BEFORE + PENDING, "new id " + next + " after all of 0.1's");
    }

    /** The schema at {@code version}, as that release's migrate made it (the history table has not changed). */
    private static void makeReleaseDatabase(FluentConfiguration flyway, String version) {
        int applied = flyway.table(RELEASE_0_1_HISTORY_TABLE).target(version)
                .loggers(dev.dbmq.internal.migrations.FlywayDebugLog.class.getName()).load().migrate()
                .migrationsExecuted;
        assertEquals(Integer.parseInt(version), applied, "V1 to V" + version + " applied");
    }

    private static List<MigrationVersion> versionsUpTo(String version) {
        List<MigrationVersion> versions = new ArrayList<>();
        for (int v = 1; v <= Integer.parseInt(version); v++) {
            versions.add(MigrationVersion.fromVersion(String.valueOf(v)));
        }
        return versions;
    }

    /**
     * Rows as 0.1's statements left them, in one transaction: tasks inserted without ids (so the id sequence moved on
     * as it did in 0.1), claimed ones deleted, failed ones moved to the failed table under their ids, counts.
     */
    private static void writeAsRelease01(DataSource ds, String prefix) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + prefix
                    + "dbmq_task (task_name, args, created_at) VALUES (?, ?, ?)")) {
                insertTasks(insert, "boom", FAILED_BEFORE);
                insertTasks(insert, "echo", DONE_BEFORE);
            }
            try (PreparedStatement keep = c.prepareStatement("INSERT INTO " + prefix + "dbmq_failed_task (id,"
                    + " task_name, args, created_at, failed_at, reason) SELECT id, task_name, args, created_at, ?, ?"
                    + " FROM " + prefix + "dbmq_task WHERE task_name = 'boom'")) {
                keep.setLong(1, FAILED_AT);
                keep.setString(2, REASON);
                assertEquals(FAILED_BEFORE, keep.executeUpdate());
            }
            try (Statement st = c.createStatement()) {
                assertEquals(FAILED_BEFORE + DONE_BEFORE, st.executeUpdate("DELETE FROM " + prefix + "dbmq_task"));
                st.executeUpdate("INSERT INTO " + prefix + "dbmq_task_count (task_name, done, failed) VALUES"
                        + " ('echo', " + DONE_BEFORE + ", 0), ('boom', 0, " + FAILED_BEFORE + ")");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + prefix
                    + "dbmq_task (task_name, args, created_at) VALUES (?, ?, ?)")) {
                insertTasks(insert, "echo", PENDING);
            }
            c.commit();
        }
    }

    private static void insertTasks(PreparedStatement insert, String name, int n) throws SQLException {
        for (int i = 0; i < n; i++) {
            insert.setString(1, name);
            insert.setString(2, "{\"n\":" + i + "}");
            insert.setLong(3, WRITTEN_AT);
            insert.addBatch();
        }
        insert.executeBatch();
    }

    /** The versions in the history table, in the order they were applied; each must have succeeded. */
    private static List<MigrationVersion> appliedVersions(DataSource ds, String prefix) throws SQLException {
        List<MigrationVersion> versions = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, success FROM " + prefix + RELEASE_0_1_HISTORY_TABLE
                     + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
            while (rs.next()) {
                assertTrue(rs.getBoolean(2), "migration " + rs.getString(1) + " succeeded");
                versions.add(MigrationVersion.fromVersion(rs.getString(1)));
            }
        }
        return versions;
    }

    /** The versions of the V&lt;n&gt;__*.sql files in a classpath location (a directory or a jar), ascending. */
    static List<MigrationVersion> migrationFiles(String location) throws IOException, URISyntaxException {
        String folder = location.substring("classpath:".length());
        TreeSet<MigrationVersion> versions = new TreeSet<>();
        Enumeration<URL> urls = UpgradeTest.class.getClassLoader().getResources(folder);
        while (urls.hasMoreElements()) {
            URL url = urls.nextElement();
            List<String> names = new ArrayList<>();
            if (url.getProtocol().equals("file")) {
                try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                    files.forEach(f -> names.add(f.getFileName().toString()));
                }
            } else {
                URLConnection connection = url.openConnection();
                assertTrue(connection instanceof JarURLConnection, "migrations in a directory or a jar: " + url);
                connection.setUseCaches(false);
                try (JarFile jar = ((JarURLConnection) connection).getJarFile()) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String name = e.nextElement().getName();
                        if (name.startsWith(folder + "/") && name.indexOf('/', folder.length() + 1) < 0) {
                            names.add(name.substring(folder.length() + 1));
                        }
                    }
                }
            }
            for (String name : names) {
                Matcher m = VERSIONED.matcher(name);
                if (m.matches()) {
                    versions.add(MigrationVersion.fromVersion(m.group(1)));
                }
            }
        }
        assertFalse(versions.isEmpty(), "no migrations found at " + location);
        assertEquals(MigrationVersion.fromVersion("1"), versions.first(), "V1 is the first migration");
        return List.copyOf(versions);
    }
}
