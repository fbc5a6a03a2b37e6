package dev.dbmq.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.docs.DocBlocks.Block;
import dev.dbmq.docs.DocBlocks.Kind;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * The documentation as a reader uses it. Every {@code ```java} block of README.md, CHANGELOG.md, UPGRADING.md, docs/
 * and the modules' READMEs compiles (the conventions are in {@link DocBlocks}); the getting-started producer and
 * worker run in two JVMs; the documented tests pass on JUnit's launcher; the Spring Boot application shown is this
 * module, byte for byte. And the rules the documentation keeps: the README under 300 lines, no tracker numbers, the
 * comparison with snappea in one page, every raw benchmark result behind a published figure, links that resolve.
 *
 * <p>It lives in this module because its test classpath is what the documentation uses: queue-core and the Spring Boot
 * starter (with queue-micrometer and queue-opentelemetry), Spring Boot, Micrometer, the OpenTelemetry API, HikariCP
 * and the PostgreSQL driver, and JUnit.
 */
class DocumentationTest {

    @TempDir
    static Path dir;

    private static Path root;
    private static List<String> documents;
    private static List<Block> blocks;
    private static Path projectClasses;

    @BeforeAll
    static void readTheDocumentation() throws IOException {
        root = DocBlocks.root();
        documents = DocBlocks.documents(root);
        blocks = new ArrayList<>();
        for (String doc : documents) {
            blocks.addAll(DocBlocks.blocks(root, doc));
        }
    }

    private static List<Block> blocks(Kind kind) {
        return blocks.stream().filter(b -> b.kind() == kind).toList();
    }

    /** The whole-file blocks, compiled once for the tests that need them. */
    private static synchronized Path project() throws IOException {
        if (projectClasses == null) {
            projectClasses = new DocCompiler(dir.resolve("compiled"), classpath()).compileProject(blocks(Kind.FILE));
        }
        return projectClasses;
    }

    private static String classpath() {
        return System.getProperty("java.class.path");
    }

    @Test
    void every_fragment_compiles_on_its_own() throws IOException {
        List<Block> fragments = blocks(Kind.FRAGMENT);
        assertTrue(fragments.size() >= 5, "found only " + fragments.size() + " fragments: is the parser lost?");
        new DocCompiler(dir.resolve("fragments"), classpath()).compileFragments(fragments);
    }

    @Test
    void a_block_that_does_not_compile_is_named_by_file_and_line() throws IOException {
        List<Block> broken = DocBlocks.blocks("docs/example.md", List.of(
                "Some text.", "", "```java", "TaskQueue queue = TaskQueue.sqlite(Path.of(\"queue.db\"));",
                "queue.enqueue(DIGEST, new Digest(1));", "```"));
        AssertionError e = assertThrows(AssertionError.class,
                () -> new DocCompiler(dir.resolve("broken"), classpath()).compileFragments(broken));
        assertTrue(e.getMessage().contains("docs/example.md:5: error: cannot find symbol"), e.getMessage());

        List<Block> withImports = DocBlocks.blocks("docs/example.md", List.of(
                "```java", "import java.util.Map;", "", "// a comment", "Map<String, Integer> counts = Map.of();",
                "int n = counts.size() + \"one\";", "```"));
        e = assertThrows(AssertionError.class,
                () -> new DocCompiler(dir.resolve("broken-imports"), classpath()).compileFragments(withImports));
        assertTrue(e.getMessage().contains("docs/example.md:6: error: incompatible types"), e.getMessage());

        List<Block> file = DocBlocks.blocks("docs/example.md", List.of(
                "```java", "// src/main/java/com/example/Broken.java", "package com.example;", "",
                "class Broken {", "    int x = \"one\";", "}", "```"));
        e = assertThrows(AssertionError.class,
                () -> new DocCompiler(dir.resolve("broken-file"), classpath()).compileProject(file));
        assertTrue(e.getMessage().contains("docs/example.md:6: error: incompatible types"), e.getMessage());
    }

    @Test
    void the_getting_started_producer_and_worker_run_in_two_jvms() throws Exception {
        Set<String> files = new TreeSet<>(blocks(Kind.FILE).stream().map(Block::path).toList());
        assertTrue(files.containsAll(List.of("src/main/java/com/example/Tasks.java",
                "src/main/java/com/example/Producer.java", "src/main/java/com/example/Worker.java")), "found " + files);
        String runClasspath = project() + File.pathSeparator + classpath();
        Path work = Files.createDirectories(dir.resolve("my-app"));
        try (ChildJvm worker = ChildJvm.start(work, runClasspath, "com.example.Worker")) {
            worker.await("starting on"); // the foreman's start-up log line
            try (ChildJvm producer = ChildJvm.start(work, runClasspath, "com.example.Producer")) {
                producer.await("enqueued task 3 for event 3");
                assertEquals(0, producer.awaitExit(), "the producer's exit status; output: " + producer.output());
            }
            Set<String> digested = new TreeSet<>();
            while (digested.size() < 3) { // 4 workers: in any order
                String line = worker.await("digesting event ");
                digested.add(line.substring(line.indexOf("digesting event ")));
            }
            assertEquals(Set.of("digesting event 1", "digesting event 2", "digesting event 3"), digested);
            worker.terminate(); // SIGTERM: the foreman stops gracefully and the JVM exits by itself
            worker.await("stopped");
            worker.awaitExit();
        }
    }

    @Test
    void the_documented_tests_pass() throws Exception {
        List<String> tests = blocks(Kind.FILE).stream().map(Block::path).filter(p -> p.startsWith("src/test/java/"))
                .map(p -> p.substring("src/test/java/".length(), p.length() - ".java".length()).replace('/', '.'))
                .toList();
        assertTrue(tests.containsAll(List.of("com.example.DigestTest", "com.example.ReminderTest")), "found " + tests);
        Path classes = project();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
            for (String test : tests) {
                request.selectors(DiscoverySelectors.selectClass(loader.loadClass(test)));
            }
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            LauncherFactory.create().execute(request.build(), summary);
            StringWriter failures = new StringWriter();
            summary.getSummary().printFailuresTo(new PrintWriter(failures), 20);
            assertEquals(0, summary.getSummary().getTotalFailureCount(), failures.toString());
            assertEquals(summary.getSummary().getTestsFoundCount(), summary.getSummary().getTestsSucceededCount(),
                    "every documented test runs and passes");
            assertTrue(summary.getSummary().getTestsSucceededCount() >= 4, "the documented tests: " + tests);
        }
    }

    /** Each {@code // Spring Boot app: <path>} block is that file of this module, and every source file is shown. */
    @Test
    void the_spring_boot_sample_is_shown_byte_for_byte() throws IOException {
        Map<String, Block> shown = new LinkedHashMap<>();
        for (Block block : blocks(Kind.SAMPLE_FILE)) {
            Block other = shown.putIfAbsent(block.path(), block);
            assertTrue(other == null, block.where() + " shows " + block.path() + " again (also at " + other + ")");
            Path file = Path.of(block.path());
            assertTrue(Files.isRegularFile(file), block.where() + ": queue-spring-boot-sample has no " + file);
            assertEquals(Files.readString(file, StandardCharsets.UTF_8), block.sampleContent(),
                    block.where() + " shows " + block.path() + " as it is in queue-spring-boot-sample");
        }
        try (Stream<Path> sources = Files.walk(Path.of("src/main"))) {
            List<String> notShown = sources.filter(Files::isRegularFile).map(p -> p.toString().replace('\\', '/'))
                    .filter(p -> !shown.containsKey(p)).toList();
            assertEquals(List.of(), notShown, "sample files the documentation does not show");
        }
    }

    /** The README is the front door: reference material goes to docs/. */
    @Test
    void the_readme_is_under_300_lines() throws IOException {
        int lines = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8).size();
        assertTrue(lines < 300, "README.md has " + lines + " lines; move reference material to docs/");
    }

    /** Code and documentation give reasons, never tracker numbers ("#12"). */
    @Test
    void no_issue_numbers_in_the_documentation_or_the_javadoc() throws IOException {
        Pattern issue = Pattern.compile("(?<![\\w&/#])#\\d+\\b");
        List<String> found = new ArrayList<>();
        for (String doc : documents) {
            grep(root.resolve(doc), doc, issue, line -> true, found);
        }
        for (Path source : mainSources()) {
            // comments only: code may hold a "#1" of its own (a CSS colour, a format)
            grep(source, root.relativize(source).toString(), issue, DocumentationTest::isComment, found);
        }
        assertEquals(List.of(), found, "tracker numbers: say what it was about instead");
    }

    /** snappea's setting names are for readers coming from snappea: in the comparison page, nowhere else. */
    @Test
    void snappea_setting_names_appear_only_in_the_comparison() throws IOException {
        Pattern names = Pattern.compile(
                "\\b(NUM_WORKERS|TASK_QS_LIMIT|GRACEFUL_TIMEOUT|WORKAHOLIC|WAKEUP_CALLS_DIR|TASK_ALWAYS_EAGER)\\b");
        List<String> found = new ArrayList<>();
        for (String doc : documents) {
            if (!doc.equals("docs/coming-from.md")) {
                grep(root.resolve(doc), doc, names, line -> true, found);
            }
        }
        for (Path source : mainSources()) {
            grep(source, root.relativize(source).toString(), names, DocumentationTest::isComment, found);
        }
        assertEquals(List.of(), found, "snappea's names belong in docs/coming-from.md");
    }

    /** docs/bench-runs holds only the raw results behind a figure the documentation publishes (and names). */
    @Test
    void every_bench_run_file_is_behind_a_published_figure() throws IOException {
        Pattern reference = Pattern.compile("bench-runs/([\\w.{},*-]+)");
        List<PathMatcher> named = new ArrayList<>();
        for (String doc : documents) {
            Matcher m = reference.matcher(Files.readString(root.resolve(doc), StandardCharsets.UTF_8));
            while (m.find()) {
                String glob = m.group(1).replaceAll("[.,]+$", "");
                for (String one : expandRanges(glob)) {
                    named.add(FileSystems.getDefault().getPathMatcher(
                            "glob:" + (one.endsWith(".json") || one.endsWith("*") ? one : one + "*")));
                }
            }
        }
        try (Stream<Path> runs = Files.list(root.resolve("docs/bench-runs"))) {
            List<String> orphans = runs.map(Path::getFileName)
                    .filter(f -> named.stream().noneMatch(g -> g.matches(f))).map(Path::toString).sorted().toList();
            assertEquals(List.of(), orphans, "raw results no document names: delete them, or publish their figures");
        }
    }

    /** {1..4} as {1,2,3,4}, which a glob understands. */
    static List<String> expandRanges(String glob) {
        Matcher m = Pattern.compile("\\{(\\d+)\\.\\.(\\d+)}").matcher(glob);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            StringBuilder list = new StringBuilder("{");
            for (int i = Integer.parseInt(m.group(1)); i <= Integer.parseInt(m.group(2)); i++) {
                list.append(list.length() > 1 ? "," : "").append(i);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(list.append('}').toString()));
        }
        m.appendTail(out);
        return List.of(out.toString());
    }

    /** Every relative link of a document names a file or directory of the repository. */
    @Test
    void relative_links_resolve() throws IOException {
        Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
        List<String> broken = new ArrayList<>();
        for (String doc : documents) {
            List<String> lines = Files.readAllLines(root.resolve(doc), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = link.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1).replaceAll("#.*$", "");
                    if (target.isEmpty() || target.matches("^[a-z]+:.*")) {
                        continue; // an anchor in the page, or http(s):, mailto:
                    }
                    if (!Files.exists(root.resolve(doc).getParent() == null ? root.resolve(target)
                            : root.resolve(doc).getParent().resolve(target))) {
                        broken.add(doc + ":" + (i + 1) + ": " + m.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), broken, "links to files that do not exist");
    }

    /** The documented dependencies and this module carry the project's version (a release changes them together). */
    @Test
    void the_versions_are_the_projects() throws IOException {
        String parent = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher pv = Pattern.compile("<artifactId>dbmq-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(parent);
        assertTrue(pv.find());
        String version = pv.group(1);
        String sample = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        assertTrue(sample.contains("<artifactId>queue-spring-boot-sample</artifactId>\n  <version>" + version
                + "</version>"), "this module's version is " + version);
        Pattern dependency = Pattern.compile(
                "<groupId>dev\\.dbmq</groupId>\\s*<artifactId>([\\w-]+)</artifactId>\\s*<version>([^<]+)</version>");
        int seen = 0;
        for (String doc : documents) {
            Matcher m = dependency.matcher(Files.readString(root.resolve(doc), StandardCharsets.UTF_8));
            while (m.find()) {
                seen++;
                assertEquals(version, m.group(2), doc + ": the version of " + m.group(1));
            }
        }
        assertTrue(seen >= 2, "the documentation shows dbmq's dependencies (queue-core, the starter)");
    }

    private static List<Path> mainSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(p -> Files.isDirectory(p.resolve("src/main/java"))).toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    files.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        return sources;
    }

    private static boolean isComment(String line) {
        String s = line.strip();
        return s.startsWith("*") || s.startsWith("/*") || s.startsWith("//") || line.contains(" // ");
    }

    private static void grep(Path file, String name, Pattern pattern, java.util.function.Predicate<String> where,
                             List<String> found) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (where.test(lines.get(i)) && pattern.matcher(lines.get(i)).find()) {
                found.add(name + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
        }
    }
}
