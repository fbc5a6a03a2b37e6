package dev.dbmq.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's documentation as a reader sees it: its Markdown files, and the fenced code blocks in them, each with
 * the file and line it starts on, so a failure can name the place to fix.
 *
 * <p>The conventions for {@code ```java} blocks (docs/building.md, "Documentation", says the same for writers):
 * <ul>
 * <li>a <b>file</b>: its first line is {@code // src/main/java/…} or {@code // src/test/java/…}. All such blocks of all
 *     documents are one project (the getting-started project: a path given twice fails), compiled together;</li>
 * <li>a <b>sample file</b>: its first line is {@code // Spring Boot app: <path>} ({@code # Spring Boot app: <path>} in a
 *     {@code ```properties} block): that file of queue-spring-boot-sample, byte for byte;</li>
 * <li>any other block is a <b>fragment</b>: optional {@code import} lines, then statements, compiled as the body of a
 *     method that may throw anything, in a class that imports only {@link #FRAGMENT_IMPORTS}. Whatever else it uses,
 *     it imports or declares itself, so a reader can copy it into a method and it compiles.</li>
 * </ul>
 */
final class DocBlocks {

    /** What every fragment may use without importing it: dbmq's API and the JDK types its examples pass to it. */
    static final List<String> FRAGMENT_IMPORTS = List.of(
            "dev.dbmq.*", "java.nio.file.Path", "java.time.Duration", "java.time.Instant", "java.time.ZoneId",
            "java.util.List");

    private static final Pattern FENCE_OPEN = Pattern.compile("^( *)```([\\w-]*)\\s*$");
    private static final Pattern PROJECT_FILE = Pattern.compile("^// (src/(?:main|test)/java/\\S+\\.java)$");
    private static final Pattern SAMPLE_FILE = Pattern.compile("^(?://|#) Spring Boot app: (\\S+)$");

    enum Kind { FILE, SAMPLE_FILE, FRAGMENT, OTHER }

    /**
     * One fenced block.
     *
     * @param doc       the Markdown file, relative to the repository's root
     * @param firstLine the line number (1-based) in {@code doc} of the block's first line of code
     * @param lang      the fence's language, "" when none
     * @param code      the block's lines, the fence's indentation taken off, each ending in '\n'
     */
    record Block(String doc, int firstLine, String lang, String code) {

        String where() {
            return doc + ":" + firstLine;
        }

        /** The line of {@code doc} holding the block's line {@code n} (1-based). */
        int docLine(long n) {
            return firstLine + (int) n - 1;
        }

        List<String> lines() {
            return code.lines().toList();
        }

        Kind kind() {
            String first = code.lines().findFirst().orElse("");
            if (lang.equals("java") && PROJECT_FILE.matcher(first).matches()) {
                return Kind.FILE;
            }
            if ((lang.equals("java") || lang.equals("properties")) && SAMPLE_FILE.matcher(first).matches()) {
                return Kind.SAMPLE_FILE;
            }
            return lang.equals("java") ? Kind.FRAGMENT : Kind.OTHER;
        }

        /** For a file or a sample file: the path its first line names. */
        String path() {
            String first = code.lines().findFirst().orElse("");
            Matcher m = kind() == Kind.FILE ? PROJECT_FILE.matcher(first) : SAMPLE_FILE.matcher(first);
            if (!m.matches()) {
                throw new IllegalStateException(where() + " is not a file block");
            }
            return m.group(1);
        }

        /** For a sample file: what the file holds, the first line (which names it) taken off. */
        String sampleContent() {
            return code.substring(code.indexOf('\n') + 1);
        }
    }

    private DocBlocks() {
    }

    /** The repository's root: the parent of this module's directory (surefire runs in the module). */
    static Path root() {
        Path root = Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(root.resolve("README.md"))) {
            throw new IllegalStateException("no README.md in " + root + ": run from queue-spring-boot-sample");
        }
        return root;
    }

    /**
     * The user documentation: README.md, CHANGELOG.md, UPGRADING.md, every Markdown file under docs/, and the modules'
     * own READMEs; relative to {@code root}, sorted.
     */
    static List<String> documents(Path root) throws IOException {
        List<String> docs = new ArrayList<>();
        for (String top : List.of("README.md", "CHANGELOG.md", "UPGRADING.md")) {
            if (Files.isRegularFile(root.resolve(top))) {
                docs.add(top);
            }
        }
        try (Stream<Path> files = Stream.concat(Files.walk(root.resolve("docs")), Files.list(root)
                .filter(Files::isDirectory).flatMap(DocBlocks::readmesOf))) {
            files.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .forEach(docs::add);
        }
        return docs;
    }

    private static Stream<Path> readmesOf(Path module) {
        if (!module.getFileName().toString().startsWith("queue-")) {
            return Stream.empty();
        }
        try {
            return Files.list(module).filter(p -> p.getFileName().toString().startsWith("README")).toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every fenced block of {@code doc}, in order. A fence left open fails, naming its line. */
    static List<Block> blocks(Path root, String doc) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve(doc), StandardCharsets.UTF_8);
        return blocks(doc, lines);
    }

    static List<Block> blocks(String doc, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE_OPEN.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            StringBuilder code = new StringBuilder();
            int start = i + 1;
            int j = start;
            while (j < lines.size() && !lines.get(j).equals(indent + "```")) {
                String line = lines.get(j);
                code.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
                j++;
            }
            if (j == lines.size()) {
                throw new IllegalStateException(doc + ":" + (i + 1) + ": a code block is never closed");
            }
            blocks.add(new Block(doc, start + 1, open.group(2), code.toString()));
            i = j;
        }
        return blocks;
    }
}
