package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which package may use which, read from the sources: the layering the package pages describe. */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/dbmq");

    @Test
    void the_api_never_uses_the_test_helpers_which_build_on_it() throws IOException {
        assertEquals(List.of(), filesIn(MAIN).filter(f -> mentions(f, "dev.dbmq.testing.")).toList());
    }

    private static Stream<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
        }
    }

    /** In code or javadoc links; a {@code {@code …}} mention in prose is fine. */
    private static boolean mentions(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream()
                    .anyMatch(line -> line.contains("import " + prefix) || line.contains("{@link " + prefix)
                            || (!line.trim().startsWith("*") && !line.trim().startsWith("//") && line.contains(prefix)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
