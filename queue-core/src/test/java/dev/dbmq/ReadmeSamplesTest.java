package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it in your project" samples, as a new user copies them: every ```java block that starts with a
 * {@code // src/main/java/…} line is compiled against queue-core, and the producer and the worker run in two JVMs.
 */
class ReadmeSamplesTest {

    private static final Pattern SAMPLE = Pattern.compile("```java\\n(// (src/main/java/\\S+\\.java)\\n.*?)```",
            Pattern.DOTALL);

    @TempDir
    Path dir;

    static List<String[]> samples() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        List<String[]> found = new ArrayList<>();
        Matcher m = SAMPLE.matcher(readme);
        while (m.find()) {
            found.add(new String[] {m.group(2), m.group(1)});
        }
        return found;
    }

    @Test
    void the_readmes_producer_and_worker_compile_and_run_as_written() throws Exception {
        List<String[]> samples = samples();
        assertEquals(List.of("src/main/java/com/example/Tasks.java", "src/main/java/com/example/Producer.java",
                "src/main/java/com/example/Worker.java"), samples.stream().map(s -> s[0]).toList());
        List<File> sources = new ArrayList<>();
        for (String[] sample : samples) {
            Path file = dir.resolve(sample[0]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, sample[1]);
            sources.add(file.toFile());
        }
        Path classes = Files.createDirectories(dir.resolve("target/classes"));
        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("--release", "17", "-Xlint:all", "-Werror", "-cp", classpath, "-d", classes.toString()),
                    null, files.getJavaFileObjectsFromFiles(sources)).call();
            assertTrue(ok, "the README's samples do not compile: " + diagnostics.getDiagnostics());
        }

        String runClasspath = classes + File.pathSeparator + classpath;
        try (ChildJvm worker = ChildJvm.startMain(dir, runClasspath, "com.example.Worker")) {
            worker.await("Foreman ", "starting on"); // its start-up log line
            try (ChildJvm producer = ChildJvm.startMain(dir, runClasspath, "com.example.Producer")) {
                producer.await("enqueued task 3 for event 3");
                assertEquals(0, producer.awaitExit());
            }
            java.util.Set<String> digested = new java.util.TreeSet<>();
            while (digested.size() < 3) { // 4 workers: in any order
                digested.add(worker.await("digesting event "));
            }
            assertEquals(java.util.Set.of("digesting event 1", "digesting event 2", "digesting event 3"), digested);
            worker.terminate(); // SIGTERM: the foreman stops gracefully and the JVM exits by itself
            worker.awaitExit();
        }
    }
}
