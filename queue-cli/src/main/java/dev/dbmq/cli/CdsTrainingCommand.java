package dev.dbmq.cli;

import dev.dbmq.Task;
import dev.dbmq.TaskQueue;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.sqlite.util.OSInfo;

/**
 * A hidden command for the {@code dbmq} wrapper script: runs the read commands, text and JSON, on a throw-away SQLite
 * queue, so that a JVM started with {@code -XX:ArchiveClassesAtExit} archives every class they load (AppCDS). A later
 * {@code status} then maps those classes from the archive instead of loading and verifying them from the jar: most of
 * a cold command's time is class loading (jOOQ alone is some 900 classes). The queue is made here, in a temporary
 * directory deleted afterwards: the commands themselves never create one.
 *
 * <p>With {@code --native-dir}, it also copies sqlite-jdbc's native library for this platform there, once: the script
 * then names it with {@code -Dorg.sqlite.lib.path}, and sqlite-jdbc loads it in place instead of extracting it from the
 * jar to a new temporary file on every run (a copy, a SecureRandom for its name, a clean-up of older copies).
 */
final class CdsTrainingCommand implements Command {

    static final CommandSpec SPEC = CommandSpec.command("dbmq cds-training", CdsTrainingCommand::new)
            .hidden()
            .description("Runs the read commands on a throw-away queue (for the dbmq script's class archive).")
            .options(Opt.value("--native-dir", "DIR", "Also copy sqlite-jdbc's native library for this platform"
                    + " into DIR."));

    record Args(int n) {
    }

    private final Path nativeDir;

    CdsTrainingCommand(Arguments arguments) {
        String dir = arguments.value("--native-dir");
        nativeDir = dir == null ? null : Path.of(dir);
    }

    @Override
    public int execute(PrintWriter out, PrintWriter err) throws IOException {
        if (nativeDir != null) {
            copyNativeLibrary(nativeDir);
        }
        Path dir = Files.createTempDirectory("dbmq-cds-training");
        try {
            Path db = dir.resolve("queue.db");
            try (TaskQueue queue = TaskQueue.sqlite(db)) {
                queue.enqueue(Task.of("training", Args.class), new Args(1));
            }
            PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
            for (List<String> args : List.of(List.of("status", "--max-age", "1h", "--min-foremen", "0"),
                    List.of("status", "--json"), List.of("running"), List.of("running", "--json"),
                    List.of("foremen"), List.of("foremen", "--json"), List.of("failed", "list", "--name", "x"),
                    List.of("failed", "list", "--json"))) {
                Main.run(Stream.concat(Stream.of("--db", db.toString()), args.stream()).toList(),
                        InstantSource.system(), nowhere, nowhere);
            }
            return Main.OK;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The library sqlite-jdbc would extract, copied into {@code dir} under its own name (renamed into place). */
    static void copyNativeLibrary(Path dir) throws IOException {
        String name = System.mapLibraryName("sqlitejdbc");
        // where sqlite-jdbc looks in its jar (SQLiteJDBCLoader): org/sqlite/native/<os>/<arch>/
        String resource = "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
        try (var in = CdsTrainingCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                return; // a platform the jar has no library for: sqlite-jdbc finds one its own way
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".tmp");
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
