package dev.dbmq.internal.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the wakeup directory may delete: its own plain files, never a path outside it or a symlink's target. */
class SqliteWakeupDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void unlinks_only_plain_names_inside_the_directory() throws Exception {
        Path wakeups = dir.resolve("wakeups");
        SqliteWakeupDirectory w = new SqliteWakeupDirectory(wakeups);
        w.prepare();
        Path outside = Files.createFile(dir.resolve("precious"));
        w.unlink(Path.of("../precious"));
        w.unlink(outside);
        assertTrue(Files.exists(outside));
        Files.createSymbolicLink(wakeups.resolve("link"), outside);
        assertEquals(1, w.clear());
        assertTrue(Files.exists(outside), "unlinking a symlink must not touch its target");
    }
}
