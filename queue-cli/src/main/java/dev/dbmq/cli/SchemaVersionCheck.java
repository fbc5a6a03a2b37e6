package dev.dbmq.cli;

import dev.dbmq.migrations.QueueSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses a queue whose schema is not at the version of this CLI's migrations, before {@code TaskQueue.open} sees it.
 *
 * <p>Why: {@code TaskQueue.open} migrates a schema that is behind, and Flyway passes over versions it doesn't know
 * (its default ignores "future" migrations), so a queue migrated by a newer dbmq opens without a word and is then read
 * with this release's idea of its tables. An operator's tool must do neither: a health check that migrates production
 * as a side effect, or one that misreads a newer schema, is worse than one that says so and exits 2.
 *
 * <p>The versions this CLI knows are the build's list of migration scripts, the one {@code TaskQueue.open} compares
 * with too ({@code dev/dbmq/internal/migrations/<vendor>-migrations.list}, written by queue-migrations' build).
 */
final class SchemaVersionCheck {

    /** The two databases, by the folder of their scripts. */
    enum Vendor {
        SQLITE("sqlite"), POSTGRESQL("postgresql");

        private final String folder;

        Vendor(String folder) {
            this.folder = folder;
        }
    }

    private static final Pattern SCRIPT = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.+\\.sql");

    private SchemaVersionCheck() {
    }

    /**
     * Returns when the schema's history holds exactly the newest version this CLI knows, or throws.
     *
     * @param schema PostgreSQL's schema, or null for the connection's current one (and on SQLite)
     * @param where  the queue as messages name it
     * @throws IllegalStateException saying what was found and what to do
     */
    static void require(Connection c, Vendor vendor, String schema, String where) throws SQLException {
        List<Integer> known = newestKnown(vendor);
        if (!historyExists(c, vendor, schema)) {
            throw new IllegalStateException(where + " holds no dbmq queue (no " + QueueSchema.HISTORY_TABLE + " table"
                    + (schema == null ? "" : " in schema " + schema) + "); dbmq creates none: check --db"
                    + (vendor == Vendor.POSTGRESQL ? " and --schema" : "") + ", or start the application that owns the"
                    + " queue");
        }
        List<Integer> newest = null;
        String table = (schema == null ? "" : '"' + schema + "\".") + QueueSchema.HISTORY_TABLE;
        try (PreparedStatement st = c.prepareStatement("SELECT version, success FROM " + table);
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                String version = rs.getString(1);
                if (version == null) {
                    continue; // Flyway's row for a schema it created
                }
                if (!rs.getBoolean(2)) {
                    throw new IllegalStateException(where + ": the migration to dbmq schema version " + version
                            + " failed (see " + QueueSchema.HISTORY_TABLE + "); the application's next open of the"
                            + " queue retries it");
                }
                List<Integer> v = parse(version);
                if (newest == null || compare(v, newest) > 0) {
                    newest = v;
                }
            }
        }
        if (newest == null || compare(newest, known) < 0) {
            throw new IllegalStateException(where + " is at dbmq schema version " + text(newest) + ", older than"
                    + " this CLI's " + text(known) + "; the CLI does not migrate: upgrade the application (it"
                    + " migrates when it opens the queue), or use the dbmq CLI of its release");
        }
        if (compare(newest, known) > 0) {
            throw new IllegalStateException(where + " is at dbmq schema version " + text(newest) + ", newer than"
                    + " this CLI's " + text(known) + ": use the dbmq CLI of the release that migrated it");
        }
    }

    private static boolean historyExists(Connection c, Vendor vendor, String schema) throws SQLException {
        String sql = vendor == Vendor.SQLITE
                ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                : "SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = ? AND schemaname = "
                        + (schema == null ? "current_schema()" : "?");
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, QueueSchema.HISTORY_TABLE);
            if (vendor == Vendor.POSTGRESQL && schema != null) {
                st.setString(2, schema);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The newest version among this build's scripts for the vendor. */
    static List<Integer> newestKnown(Vendor vendor) {
        String resource = "/dev/dbmq/internal/migrations/" + vendor.folder + "-migrations.list";
        try (InputStream in = SchemaVersionCheck.class.getResourceAsStream(resource)) {
            String line = in == null ? null
                    : new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            List<Integer> newest = null;
            for (String name : line == null ? new String[0] : line.split(",")) {
                Matcher m = SCRIPT.matcher(name.trim());
                if (m.matches()) {
                    List<Integer> v = parse(m.group(1).replace('_', '.'));
                    if (newest == null || compare(v, newest) > 0) {
                        newest = v;
                    }
                }
            }
            if (newest == null) {
                throw new IllegalStateException("this dbmq build has no list of its migrations (" + resource + ");"
                        + " run the jar that Maven builds");
            }
            return newest;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read this dbmq build's list of migrations: " + e, e);
        }
    }

    /** "6" or "6.1" as numbers, compared part by part. */
    static List<Integer> parse(String version) {
        List<Integer> parts = new ArrayList<>();
        for (String p : version.split("\\.")) {
            parts.add(Integer.parseInt(p));
        }
        return parts;
    }

    static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int c = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String text(List<Integer> version) {
        if (version == null) {
            return "none";
        }
        return String.join(".", Arrays.stream(version.toArray()).map(String::valueOf).toList());
    }
}
