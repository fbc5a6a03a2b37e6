package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
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
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * The README's samples, as a new user copies them: every ```java block that starts with a {@code // src/main/java/…}
 * or {@code // src/test/java/…} line is compiled against queue-core; the producer and the worker run in two JVMs, and
 * the sample test runs on JUnit's launcher.
 */
class ReadmeSamplesTest {

    private static final Pattern SAMPLE = Pattern.compile("```java\\n(// (src/(?:main|test)/java/\\S+\\.java)\\n.*?)```",
            Pattern.DOTALL);

    @TempDir
    Path dir;

    static List<String[]> samples(String tree) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        List<String[]> found = new ArrayList<>();
        Matcher m = SAMPLE.matcher(readme);
        while (m.find()) {
            if (m.group(2).startsWith(tree)) {
                found.add(new String[] {m.group(2), m.group(1)});
            }
        }
        return found;
    }

    @Test
    void the_readmes_producer_and_worker_compile_and_run_as_written() throws Exception {
        List<String[]> samples = samples("src/main/java/");
        assertEquals(List.of("src/main/java/com/example/Tasks.java", "src/main/java/com/example/Producer.java",
                "src/main/java/com/example/Worker.java"), samples.stream().map(s -> s[0]).toList());
        String classpath = System.getProperty("java.class.path");
        Path classes = compile(samples, classpath);
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

    @Test
    void the_readmes_sample_test_compiles_and_passes() throws Exception {
        List<String[]> tests = samples("src/test/java/");
        assertEquals(List.of("src/test/java/com/example/DigestTest.java", "src/test/java/com/example/ReminderTest.java"),
                tests.stream().map(s -> s[0]).toList());
        List<String[]> sources = new ArrayList<>(samples("src/main/java/"));
        sources.addAll(tests);
        Path classes = compile(sources, System.getProperty("java.class.path"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(loader.loadClass("com.example.DigestTest")),
                            DiscoverySelectors.selectClass(loader.loadClass("com.example.ReminderTest"))).build(),
                    summary);
            StringWriter failures = new StringWriter();
            summary.getSummary().printFailuresTo(new PrintWriter(failures), 20);
            assertEquals(0, summary.getSummary().getTotalFailureCount(), failures.toString());
            assertEquals(4, summary.getSummary().getTestsSucceededCount(), "the samples' four tests pass");
        }
    }

    private Path compile(List<String[]> samples, String classpath) throws Exception {
        List<File> sources = new ArrayList<>();
        for (String[] sample : samples) {
            Path file = dir.resolve(sample[0]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, sample[1]);
            sources.add(file.toFile());
        }
        Path classes = Files.createDirectories(dir.resolve("target/classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("--release", "17", "-Xlint:all", "-Werror", "-cp", classpath, "-d", classes.toString()),
                    null, files.getJavaFileObjectsFromFiles(sources)).call();
            assertTrue(ok, "the README's samples do not compile: " + diagnostics.getDiagnostics());
        }
        return classes;
    }
}
