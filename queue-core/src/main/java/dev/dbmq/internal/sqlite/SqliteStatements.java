package dev.dbmq.internal.sqlite;

import static dev.dbmq.internal.jooq.Tables.DBMQ_PAUSED_LANE;
import static dev.dbmq.internal.jooq.Tables.DBMQ_TASK;

import dev.dbmq.internal.Database;
import dev.dbmq.internal.JooqBanner;
import dev.dbmq.internal.RunningStore;
import dev.dbmq.internal.TaskStore;
import dev.dbmq.internal.jooq.tables.records.DbmqTaskRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep6;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * SQLite's hot statements (enqueue's INSERT, the foreman's claim), rendered by jOOQ with placeholders and run
 * through the connection's {@link SqliteStatementCache}, so a call only binds and executes. Each is checked to bind
 * exactly the values the code below binds, in that order. On a context without a cache (an application's own
 * transaction) the caller takes {@link TaskStore}'s portable path instead.
 *
 * <p>The fixed statements are rendered when the jar is built ({@link Rendering#main}, run by queue-core's pom) into
 * {@value Rendering#RESOURCE}, and read from there: rendering at run time made a cold JVM load jOOQ's DSL classes and
 * every dialect's data types before the first enqueue, most of a short-lived producer's start (README-bench, "Cold
 * start"). The claims by name (any number of names) are still rendered at first use.
 */
final class SqliteStatements {

    /** Binds task_name, args, metadata, created_at, due_at, priority; returns id. */
    static final String INSERT = Rendering.rendered("insert");
    /** Rows of {@link #INSERT_ROWS}. */
    static final int PREPARED_ROWS = 100;
    /** Binds task_name, args, metadata, created_at, due_at, priority for each of PREPARED_ROWS rows; returns ids. */
    static final String INSERT_ROWS = Rendering.rendered("insertRows");
    /** Claims of any name (binds now, limit); of 1, 2, … names rendered at first use, for the life of the class. */
    private static final String ANY_NAME = Rendering.rendered("claimAnyName");
    private static final ConcurrentHashMap<Integer, String> BY_NAME_COUNT = new ConcurrentHashMap<>();
    /**
     * Binds task_name once per priority; returns MIN(due_at), NULL when none: one seek of the claim index per
     * priority.
     */
    static final String NEXT_DUE = Rendering.rendered("nextDue");
    static final String LANE_PAUSED = Rendering.rendered("lanePaused");

    private SqliteStatements() {
    }

    static long insert(SqliteStatementCache cache, String taskName, String args, String metadata, long createdAt,
                       long dueAt, int priority) {
        try {
            PreparedStatement insert = cache.prepared(INSERT);
            insert.setString(1, taskName);
            insert.setString(2, args);
            insert.setString(3, metadata);
            insert.setLong(4, createdAt);
            insert.setLong(5, dueAt);
            insert.setInt(6, priority);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                while (rs.next()) {
                    // run the statement to its end, as jOOQ's fetchOne does: the implicit transaction ends here
                }
                return id;
            }
        } catch (SQLException e) {
            cache.discard(INSERT);
            throw new DataAccessException("SQL [" + INSERT + "]; " + e.getMessage(), e);
        }
    }

    /**
     * Prepared statements of PREPARED_ROWS rows, then single rows: rendering and binding a fresh statement of 1000
     * rows took longer than running it (queue-bench: enqueueAll of 1000 tasks). Ids ascending.
     */
    static List<Long> insertAll(SqliteStatementCache cache, String taskName, List<String> args, String metadata,
                                long createdAt, long dueAt, int priority) {
        List<Long> ids = new ArrayList<>(args.size());
        int from = 0;
        for (; from + PREPARED_ROWS <= args.size(); from += PREPARED_ROWS) {
            insertPreparedRows(cache, taskName, args.subList(from, from + PREPARED_ROWS), metadata, createdAt, dueAt,
                    priority, ids);
        }
        for (String json : args.subList(from, args.size())) {
            ids.add(insert(cache, taskName, json, metadata, createdAt, dueAt, priority));
        }
        return ids;
    }

    private static void insertPreparedRows(SqliteStatementCache cache, String taskName, List<String> args,
                                           String metadata, long createdAt, long dueAt, int priority,
                                           List<Long> ids) {
        try {
            PreparedStatement insert = cache.prepared(INSERT_ROWS);
            int i = 1;
            for (String json : args) {
                insert.setString(i++, taskName);
                insert.setString(i++, json);
                insert.setString(i++, metadata);
                insert.setLong(i++, createdAt);
                insert.setLong(i++, dueAt);
                insert.setInt(i++, priority);
            }
            List<Long> chunk = new ArrayList<>(args.size());
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    chunk.add(rs.getLong(1));
                }
            }
            chunk.sort(Comparator.naturalOrder());
            ids.addAll(chunk);
        } catch (SQLException e) {
            cache.discard(INSERT_ROWS);
            throw new DataAccessException("SQL [" + INSERT_ROWS + "]; " + e.getMessage(), e);
        }
    }

    /** The claim of {@link TaskStore#claimQuery}, prepared; rows in any order. */
    static List<TaskStore.Row> claim(SqliteStatementCache cache, int limit, List<String> names,
                                     Map<String, Integer> caps, long nowMillis) {
        List<TaskStore.Row> rows = new ArrayList<>(limit);
        String sql = claimSql(names);
        try {
            PreparedStatement claim = cache.prepared(sql);
            bindClaim(claim, limit, names, caps, nowMillis);
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) { // columns in the order of TaskStore.ROW_FIELDS
                    rows.add(new TaskStore.Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getLong(5), rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getInt(10), rs.getString(11)));
                }
            }
        } catch (SQLException e) {
            cache.discard(sql);
            throw new DataAccessException("SQL [" + sql + "]; " + e.getMessage(), e);
        }
        return rows;
    }

    /** Binds id. */
    static final String DELETE = Rendering.rendered("delete");

    /** Deletes one task by id, prepared: a hand-over's claim of the row its transaction inserted. */
    static boolean delete(SqliteStatementCache cache, long id) {
        try {
            PreparedStatement delete = cache.prepared(DELETE);
            delete.setLong(1, id);
            return delete.executeUpdate() > 0;
        } catch (SQLException e) {
            cache.discard(DELETE);
            throw new DataAccessException("SQL [" + DELETE + "]; " + e.getMessage(), e);
        }
    }

    /**
     * Binds foreman_id, slot, id, task_name, args, metadata, created_at, due_at, attempt, started_at, max_attempts,
     * priority, limit_key (the upsert's update takes them from {@code excluded}: no more binds).
     */
    static final String RECORD_RUNNING = Rendering.rendered("recordRunning");
    /** Binds foreman_id, slot. */
    static final String CLEAR_RUNNING = Rendering.rendered("clearRunning");

    /** {@link RunningStore#record} of one row, prepared: a claim's records, a hand-over's. */
    static void recordRunning(SqliteStatementCache cache, RunningStore.Entry entry, String foremanId,
                              long startedAt) {
        TaskStore.Row row = entry.row();
        try {
            PreparedStatement insert = cache.prepared(RECORD_RUNNING);
            insert.setString(1, foremanId);
            insert.setInt(2, entry.slot());
            insert.setLong(3, row.id());
            insert.setString(4, row.taskName());
            insert.setString(5, row.args());
            insert.setString(6, row.metadata());
            insert.setLong(7, row.createdAt());
            insert.setLong(8, row.dueAt());
            insert.setInt(9, row.attempt());
            insert.setLong(10, startedAt);
            if (entry.maxAttempts() == null) {
                insert.setNull(11, java.sql.Types.INTEGER);
            } else {
                insert.setInt(11, entry.maxAttempts());
            }
            insert.setInt(12, row.priority());
            insert.setString(13, row.limitKey());
            insert.executeUpdate();
        } catch (SQLException e) {
            cache.discard(RECORD_RUNNING);
            throw new DataAccessException("SQL [" + RECORD_RUNNING + "]; " + e.getMessage(), e);
        }
    }

    /** Binds nothing; returns the id taken, or no row before dbmq_task's first insert. Not jOOQ's: outside the schema. */
    static final String RESERVE_TASK_ID =
            "update sqlite_sequence set seq = seq + 1 where name = 'dbmq_task' returning seq";

    /** {@link SqliteStorage#reserveTaskId}, prepared: a hand-over's id, with no task row written. */
    static Long reserveTaskId(SqliteStatementCache cache) {
        try {
            PreparedStatement update = cache.prepared(RESERVE_TASK_ID);
            try (ResultSet rs = update.executeQuery()) {
                Long id = rs.next() ? rs.getLong(1) : null;
                while (rs.next()) {
                    // run it to its end
                }
                return id;
            }
        } catch (SQLException e) {
            cache.discard(RESERVE_TASK_ID);
            throw new DataAccessException("SQL [" + RESERVE_TASK_ID + "]; " + e.getMessage(), e);
        }
    }

    /** {@link RunningStore#clear} of one slot, prepared. */
    static void clearRunning(SqliteStatementCache cache, String foremanId, int slot) {
        try {
            PreparedStatement delete = cache.prepared(CLEAR_RUNNING);
            delete.setString(1, foremanId);
            delete.setInt(2, slot);
            delete.executeUpdate();
        } catch (SQLException e) {
            cache.discard(CLEAR_RUNNING);
            throw new DataAccessException("SQL [" + CLEAR_RUNNING + "]; " + e.getMessage(), e);
        }
    }

    /** {@link TaskStore#nextDueAt}, prepared: it runs after every claim that was not full. */
    static Long nextDueAt(SqliteStatementCache cache, List<String> names) {
        Long earliest = null;
        try {
            PreparedStatement next = cache.prepared(NEXT_DUE);
            for (String name : names) {
                for (int p = 1; p <= TaskStore.PRIORITIES.size(); p++) {
                    next.setString(p, name);
                }
                try (ResultSet rs = next.executeQuery()) {
                    if (rs.next()) {
                        long due = rs.getLong(1);
                        if (!rs.wasNull() && (earliest == null || due < earliest)) {
                            earliest = due;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            cache.discard(NEXT_DUE);
            throw new DataAccessException("SQL [" + NEXT_DUE + "]; " + e.getMessage(), e);
        }
        return earliest;
    }

    /** {@link LaneStore#paused}, prepared: every claim of a lane runs it. */
    static boolean lanePaused(SqliteStatementCache cache, String lane) {
        try {
            PreparedStatement paused = cache.prepared(LANE_PAUSED);
            paused.setString(1, lane);
            try (ResultSet rs = paused.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            cache.discard(LANE_PAUSED);
            throw new DataAccessException("SQL [" + LANE_PAUSED + "]; " + e.getMessage(), e);
        }
    }

    /** The claim binding what {@link #bindClaim} binds; returns TaskStore.ROW_FIELDS. */
    static String claimSql(List<String> names) {
        if (names == null) {
            return ANY_NAME;
        }
        return BY_NAME_COUNT.computeIfAbsent(names.size(), Rendering::claimByNames);
    }

    private static void bindClaim(PreparedStatement claim, int limit, List<String> names, Map<String, Integer> caps,
                                  long nowMillis) throws SQLException {
        int i = 1;
        if (names == null) {
            claim.setLong(i++, nowMillis);
            claim.setInt(i, limit);
            return;
        }
        for (String name : names) {
            claim.setString(i++, name);
            claim.setLong(i++, nowMillis);
            claim.setInt(i++, TaskStore.capped(caps, name, limit));
        }
        if (names.size() > 1) {
            claim.setInt(i, limit);
        }
    }

    /**
     * jOOQ's rendering of the statements above, from the generated schema classes. {@link #main} runs at build time
     * (queue-core's pom, process-classes) and writes the fixed ones to {@value #RESOURCE}; at run time only the
     * claims by name are rendered here, so jOOQ's DSL is loaded with the first of them, not with the class.
     */
    static final class Rendering {

        static final String RESOURCE = "sqlite-statements.properties";

        private Rendering() {
        }

        /** The statements {@link #main} writes, by name, each rendered by jOOQ now. */
        static Map<String, String> all() {
            Map<String, String> all = new TreeMap<>();
            all.put("insert", SqliteStatementCache.render(TaskStore.insertQuery(Jooq.RENDER, "task_name", "args",
                    "metadata", 0L, 1L, 2), List.of("task_name", "args", "metadata", 0L, 1L, 2)));
            all.put("insertRows", insertRows());
            all.put("claimAnyName", SqliteStatementCache.render(
                    TaskStore.claimQuery(SqliteStorage.CLAIM_FORM, Jooq.RENDER, 1, null, Map.of(), 2L),
                    List.of(2L, 1)));
            all.put("delete", SqliteStatementCache.render(Jooq.RENDER.deleteFrom(DBMQ_TASK)
                    .where(DBMQ_TASK.ID.eq(-1L)), List.of(-1L)));
            all.put("recordRunning", SqliteStatementCache.render(RunningStore.recordQuery(Jooq.RENDER,
                    new RunningStore.Entry(new TaskStore.Row(-1L, "task_name", "args", 0L, 1L, 2, null, null,
                            "metadata", 5, "limit_key"), 7, 4), "foreman", 3L),
                    List.of("foreman", 7, -1L, "task_name", "args", "metadata", 0L, 1L, 2, 3L, 4, 5, "limit_key")));
            all.put("clearRunning", SqliteStatementCache.render(RunningStore.clearQuery(Jooq.RENDER, "foreman", 7),
                    List.of("foreman", 7)));
            all.put("nextDue", SqliteStatementCache.render(TaskStore.nextDueQuery(Jooq.RENDER, List.of("task_name")),
                    TaskStore.PRIORITIES.stream().map(p -> (Object) "task_name").toList()));
            all.put("lanePaused", SqliteStatementCache.render(Jooq.RENDER.selectOne().from(DBMQ_PAUSED_LANE)
                    .where(DBMQ_PAUSED_LANE.LANE.eq("lane")), List.of("lane")));
            return all;
        }

        /** Writes {@link #all()} to the file named by {@code args[0]}, as the properties {@link #rendered} reads. */
        public static void main(String[] args) throws IOException {
            JooqBanner.suppress();
            Properties p = new Properties();
            p.putAll(all());
            Path file = Path.of(args[0]);
            Files.createDirectories(file.getParent());
            java.io.StringWriter text = new java.io.StringWriter();
            p.store(text, "rendered by jOOQ at build time: " + Rendering.class.getName());
            // Properties.store's second line is the time of writing: dropped, so two builds write the same bytes
            String[] lines = text.toString().split("\n", -1);
            StringBuilder kept = new StringBuilder();
            for (int i = 0; i < lines.length; i++) {
                if (i != 1) {
                    kept.append(lines[i]).append(i < lines.length - 1 ? "\n" : "");
                }
            }
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write(kept.toString());
            }
        }

        /**
         * A statement rendered at build time; rendered now when the build's file is missing (classes compiled by
         * something other than queue-core's pom, e.g. an IDE), so the library still works, only slower to start.
         */
        static String rendered(String name) {
            String sql = Built.STATEMENTS.getProperty(name);
            return sql != null ? sql : Objects.requireNonNull(all().get(name), name);
        }

        static String claimByNames(int count) {
            List<String> placeholders = new ArrayList<>();
            List<Object> binds = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                placeholders.add("name" + i);
                binds.addAll(List.of("name" + i, 2L, 1));
            }
            if (count > 1) {
                binds.add(1);
            }
            return SqliteStatementCache.render(
                    TaskStore.claimQuery(SqliteStorage.CLAIM_FORM, Jooq.RENDER, 1, placeholders, Map.of(), 2L),
                    binds);
        }

        private static String insertRows() {
            InsertValuesStep6<DbmqTaskRecord, String, String, String, Long, Long, Integer> insert =
                    Jooq.RENDER.insertInto(DBMQ_TASK, DBMQ_TASK.TASK_NAME, DBMQ_TASK.ARGS, DBMQ_TASK.METADATA,
                            DBMQ_TASK.CREATED_AT, DBMQ_TASK.DUE_AT, DBMQ_TASK.PRIORITY);
            List<Object> binds = new ArrayList<>();
            for (int row = 0; row < PREPARED_ROWS; row++) {
                insert = insert.values("task_name" + row, "args" + row, "metadata" + row, (long) row, -1L - row,
                        1000 + row);
                binds.addAll(List.of("task_name" + row, "args" + row, "metadata" + row, (long) row, -1L - row,
                        1000 + row));
            }
            return SqliteStatementCache.render(insert.returningResult(DBMQ_TASK.ID), binds);
        }

        /** Holder: jOOQ's DSL, made at the first rendering. */
        private static final class Jooq {
            static final DSLContext RENDER = DSL.using(SQLDialect.SQLITE, Database.jooqSettings());
        }

        /** Holder: the build's file, read once (empty when missing). */
        private static final class Built {
            static final Properties STATEMENTS = load();

            private static Properties load() {
                Properties p = new Properties();
                try (InputStream in = SqliteStatements.class.getResourceAsStream(RESOURCE)) {
                    if (in != null) {
                        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + RESOURCE + " of queue-core's jar", e);
                }
                return p;
            }
        }
    }
}
