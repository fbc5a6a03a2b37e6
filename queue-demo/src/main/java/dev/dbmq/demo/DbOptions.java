package dev.dbmq.demo;

import dev.dbmq.TaskQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --db} option every command shares, and opening the queue on it. */
final class DbOptions {

    static final String DEFAULT_DB = "dbmq-demo/queue.db";

    @Option(names = "--db", paramLabel = "FILE", defaultValue = DEFAULT_DB,
            description = "The SQLite queue database (default: ${DEFAULT-VALUE}, relative to the working directory).")
    Path db;

    /** Opens the queue, creating the directory, the database and its tables when missing. */
    TaskQueue openCreating() throws IOException {
        Path parent = db.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return TaskQueue.sqlite(db);
    }

    /** Opens an existing queue; a missing file is an error rather than a new, empty queue. */
    TaskQueue openExisting() {
        if (!Files.isRegularFile(db)) {
            throw new IllegalStateException("no queue database at " + db.toAbsolutePath()
                    + " (start `demo`, `serve` or `migrate` first, or pass --db)");
        }
        return TaskQueue.sqlite(db);
    }
}
