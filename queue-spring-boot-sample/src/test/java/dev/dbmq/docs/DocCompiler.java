package dev.dbmq.docs;

import dev.dbmq.docs.DocBlocks.Block;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles the documentation's Java blocks as a reader would use them (see {@link DocBlocks} for the conventions), on
 * Java 17 with every lint warning an error, and reports each problem at its place in the Markdown file
 * ({@code docs/testing.md:42: cannot find symbol …}), not in the generated source.
 */
final class DocCompiler {

    /** Where a generated source's lines come from: for each of its lines (0-based), the block's line, or 0. */
    private record Origin(Block block, int[] blockLineOf) {
    }

    private final Path dir;
    private final String classpath;

    DocCompiler(Path dir, String classpath) {
        this.dir = dir;
        this.classpath = classpath;
    }

    /**
     * The whole-file blocks as one project, written to their paths under {@code dir/project}.
     *
     * @return the directory of the compiled classes
     * @throws AssertionError naming each block that does not compile, or a path two blocks give
     */
    Path compileProject(List<Block> files) throws IOException {
        Map<String, Block> byPath = new LinkedHashMap<>();
        Map<Path, Origin> origins = new HashMap<>();
        for (Block block : files) {
            Block other = byPath.putIfAbsent(block.path(), block);
            if (other != null) {
                throw new AssertionError(block.where() + ": " + block.path() + " is given twice, also at "
                        + other.where());
            }
            Path source = dir.resolve("project").resolve(block.path());
            Files.createDirectories(source.getParent());
            Files.writeString(source, block.code(), StandardCharsets.UTF_8);
            int n = (int) block.code().lines().count();
            int[] map = new int[n];
            for (int i = 0; i < n; i++) {
                map[i] = i + 1;
            }
            origins.put(source.toAbsolutePath().normalize(), new Origin(block, map));
        }
        return compile("project", origins, classpath);
    }

    /**
     * Each fragment as the body of {@code run()} in a class of its own (package {@code docs}), its {@code import}
     * lines above that class. Compiled without the project's classes: a fragment defines what it uses.
     *
     * @throws AssertionError naming each fragment that does not compile
     */
    void compileFragments(List<Block> fragments) throws IOException {
        Map<Path, Origin> origins = new HashMap<>();
        int n = 0;
        for (Block block : fragments) {
            String name = "Fragment" + (++n);
            List<String> out = new ArrayList<>();
            List<Integer> from = new ArrayList<>();
            out.add("package docs;");
            from.add(0);
            for (String imp : DocBlocks.FRAGMENT_IMPORTS) {
                out.add("import " + imp + ";");
                from.add(0);
            }
            List<String> lines = block.lines();
            int body = 0; // the first line of the block that is not an import, a blank line or a comment
            while (body < lines.size() && isHeaderLine(lines.get(body))) {
                body++;
            }
            for (int i = 0; i < body; i++) {
                out.add(lines.get(i));
                from.add(i + 1);
            }
            out.add("final class " + name + " { // " + block.where());
            from.add(0);
            out.add("    void run() throws Exception {");
            from.add(0);
            for (int i = body; i < lines.size(); i++) {
                out.add(lines.get(i));
                from.add(i + 1);
            }
            out.add("    }");
            from.add(0);
            out.add("}");
            from.add(0);
            Path source = dir.resolve("fragments/docs").resolve(name + ".java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, String.join("\n", out) + "\n", StandardCharsets.UTF_8);
            origins.put(source.toAbsolutePath().normalize(),
                    new Origin(block, from.stream().mapToInt(Integer::intValue).toArray()));
        }
        compile("fragments", origins, classpath);
    }

    private static boolean isHeaderLine(String line) {
        String s = line.strip();
        return s.isEmpty() || s.startsWith("import ") || s.startsWith("//");
    }

    private Path compile(String what, Map<Path, Origin> origins, String cp) throws IOException {
        Path classes = Files.createDirectories(dir.resolve(what + "-classes"));
        if (origins.isEmpty()) {
            return classes;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok;
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            ok = javac.getTask(null, fm, diagnostics,
                    List.of("--release", "17", "-Xlint:all", "-Werror", "-proc:none", "-cp", cp, "-d",
                            classes.toString()),
                    null, fm.getJavaFileObjectsFromPaths(origins.keySet())).call();
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.NOTE) {
                continue;
            }
            problems.add(place(d, origins) + ": " + d.getKind().toString().toLowerCase(Locale.ROOT) + ": "
                    + d.getMessage(Locale.ROOT));
        }
        if (!ok || !problems.isEmpty()) {
            throw new AssertionError("the documentation's Java " + (what.equals("project") ? "files" : what)
                    + " do not compile:\n" + String.join("\n", problems));
        }
        return classes;
    }

    /** "docs/testing.md:42" for a diagnostic on a block's line; the block's start when the line is generated. */
    private static String place(Diagnostic<? extends JavaFileObject> d, Map<Path, Origin> origins) {
        if (d.getSource() == null) {
            return "(no source)";
        }
        Origin origin = origins.get(Path.of(d.getSource().toUri()).toAbsolutePath().normalize());
        if (origin == null) {
            return d.getSource().getName();
        }
        long line = d.getLineNumber();
        int blockLine = line >= 1 && line <= origin.blockLineOf().length ? origin.blockLineOf()[(int) line - 1] : 0;
        return blockLine > 0 ? origin.block().doc() + ":" + origin.block().docLine(blockLine)
                : origin.block().where() + " (the block)";
    }
}
