package dev.dbmq.internal.sqlite;

import dev.dbmq.QueueSettings;
import dev.dbmq.internal.JooqBanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new queue file starts as a copy of one that queue-core's build made and migrated ({@link Making}, run by its pom
 * into the jar), so a new file needs no Flyway at run time: opening then reads the copied history table, finds it
 * current and skips Flyway, as for any current file (Flyway creating the schema was most of a new file's cold start;
 * README-bench, "Cold start"). The template is a file that the queue's own open path ({@link SqliteDatabase}, Flyway,
 * this jar's migrations) wrote at build time, so a copy is what a new file migrated here would be, down to the history
 * rows but their times (SqliteTemplateTest compares the two).
 *
 * <p>Atomic: the copy is written to a temporary file beside the target, forced to disk, and hard-linked to the target
 * name, which fails if the name exists. So two processes opening the same new path at once never see a half-written
 * file: one links, the other finds the file there and opens it. Where this cannot work (no template in the jar, a
 * file system without hard links, any I/O error) it returns false and the file is created empty and migrated by
 * Flyway, as before.
 */
final class SqliteTemplate {

    private static final Logger log = LoggerFactory.getLogger(SqliteTemplate.class);

    static final String RESOURCE = "sqlite-template.db";

    private SqliteTemplate() {
    }

    /**
     * Creates {@code file} as a copy of the template, owner-only, unless it exists.
     *
     * @return true when this call created it from the template; false when the file exists (made by someone else, at
     * any time) or the template could not be used (the caller then creates it the old way)
     */
    static boolean createFrom(Path file) {
        if (Files.exists(file)) {
            return false;
        }
        Path parent = file.toAbsolutePath().getParent();
        Path tmp = parent.resolve(file.getFileName() + ".dbmq-new-" + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()));
        try (InputStream in = SqliteTemplate.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return false; // classes built without queue-core's pom (an IDE): Flyway creates the schema
            }
            Files.createDirectories(parent);
            createOwnerOnly(tmp); // written into, not replaced: a replacement would take the umask's mode
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                in.transferTo(Channels.newOutputStream(c));
                c.force(true); // the name must never point at a file whose bytes a power cut can still lose
            }
            Files.createLink(file, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // another process (or thread) created it first: it is opened as it is
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            log.debug("Not created from the template ({}); Flyway creates the schema of {}", e.toString(), file);
            return false;
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                log.warn("Cannot delete the temporary file {} ({}); it can be deleted by hand", tmp, e.toString());
            }
        }
    }

    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system: the platform's default, as SQLite would create it
        }
    }

    /** The build's step: makes the template with this jar's migrations, through the queue's own open path. */
    static final class Making {

        private Making() {
        }

        /**
         * Writes the template to the file named by {@code args[0]}; with {@code args[1]}, an ISO instant (the build's
         * {@code project.build.outputTimestamp}), the history's install times are that instant and its execution times
         * zero, so two builds make the same bytes.
         */
        public static void main(String[] args) throws Exception {
            JooqBanner.suppress();
            Path out = Path.of(args[0]);
            Files.deleteIfExists(out); // an earlier build's template must not be the start of this one
            Path dir = Files.createTempDirectory("dbmq-template");
            Path db = dir.resolve("template.db");
            try {
                try (SqliteDatabase database = new SqliteDatabase(QueueSettings.sqlite(db).build(), false)) {
                    database.schemaVersion(); // opened and migrated; closing checkpoints the WAL into the file
                }
                if (args.length > 1) {
                    reproducible(db, java.time.Instant.parse(args[1]));
                }
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.copy(db, out, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        }

        /** Build-time only: fixes the history's times (the only bytes that differ between two builds) and compacts. */
        private static void reproducible(Path db, java.time.Instant at) throws java.sql.SQLException {
            String installedOn = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                    .withZone(java.time.ZoneOffset.UTC).format(at);
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                 java.sql.PreparedStatement update = c.prepareStatement("UPDATE "
                         + dev.dbmq.internal.migrations.QueueMigrations.HISTORY_TABLE
                         + " SET installed_on = ?, execution_time = 0");
                 java.sql.Statement s = c.createStatement()) {
                update.setString(1, installedOn);
                update.executeUpdate();
                s.execute("VACUUM");
            }
        }
    }
}
