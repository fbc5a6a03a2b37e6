package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Which package may use which, read from the sources: the layering the package pages describe. The API and the engine
 * ({@code dev.dbmq}) build on the seam ({@code dev.dbmq.internal}); each backend ({@code .sqlite}, {@code .postgres})
 * implements the seam and knows nothing of the other; the seam knows no backend; the test helpers build on the API.
 */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/dbmq");
    private static final Path SEAM = MAIN.resolve("internal");
    private static final Path SQLITE = SEAM.resolve("sqlite");
    private static final Path POSTGRES = SEAM.resolve("postgres");

    @Test
    void the_api_never_uses_the_test_helpers_which_build_on_it() throws IOException {
        assertEquals(List.of(), filesIn(MAIN).filter(f -> mentions(f, "dev.dbmq.testing.")).toList());
    }

    @Test
    void the_seam_names_no_backend() throws IOException {
        assertEquals(List.of(), filesIn(SEAM).filter(f -> mentions(f, "dev.dbmq.internal.sqlite.")
                || mentions(f, "dev.dbmq.internal.postgres.")).toList());
    }

    @Test
    void a_backend_knows_nothing_of_the_other() throws IOException {
        assertEquals(List.of(), filesIn(SQLITE).filter(f -> mentions(f, "dev.dbmq.internal.postgres.")).toList());
        assertEquals(List.of(), filesIn(POSTGRES).filter(f -> mentions(f, "dev.dbmq.internal.sqlite.")).toList());
    }

    @Test
    void one_class_of_the_engine_chooses_the_backend_and_the_others_see_only_the_seam() throws IOException {
        assertEquals(List.of(MAIN.resolve("TaskQueue.java")), filesIn(MAIN).filter(f -> mentions(f,
                "dev.dbmq.internal.sqlite.") || mentions(f, "dev.dbmq.internal.postgres.")).toList());
    }

    @Test
    void the_layers_are_where_these_tests_look() throws IOException {
        for (Path dir : List.of(MAIN, SEAM, SQLITE, POSTGRES)) {
            assertTrue(filesIn(dir).findAny().isPresent(), "no sources in " + dir);
        }
    }

    private static Stream<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList().stream();
        }
    }

    /** In code or javadoc links; a {@code {@code …}} mention in prose is fine. */
    private static boolean mentions(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream()
                    .anyMatch(line -> line.contains("import " + prefix) || line.contains("{@link " + prefix)
                            || (!line.trim().startsWith("*") && !line.trim().startsWith("//") && line.contains(prefix)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
