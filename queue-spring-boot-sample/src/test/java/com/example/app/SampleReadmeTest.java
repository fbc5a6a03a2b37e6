package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Spring Boot example is this module, as a new user copies it: each block headed
 * {@code // Spring Boot app: <path>} (or {@code #} for properties) is the file at that path here, byte for byte, so
 * what {@link SampleSqliteTest} and {@link SamplePostgresTest} run is what the README shows.
 */
class SampleReadmeTest {

    private static final Pattern BLOCK = Pattern.compile(
            "```(?:java|properties)\\n(?://|#) Spring Boot app: (\\S+)\\n(.*?)```", Pattern.DOTALL);

    static String readme() throws Exception {
        return Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    }

    @Test
    void the_readmes_spring_boot_example_is_this_module() throws Exception {
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(readme());
        while (m.find()) {
            blocks.put(m.group(1), m.group(2));
        }
        assertEquals(java.util.List.of("src/main/java/com/example/app/WelcomeHandler.java",
                "src/main/java/com/example/app/SignupController.java",
                "src/main/java/com/example/app/SampleApplication.java",
                "src/main/resources/application.properties"), java.util.List.copyOf(blocks.keySet()));
        for (Map.Entry<String, String> block : blocks.entrySet()) {
            assertEquals(Files.readString(Path.of(block.getKey()), StandardCharsets.UTF_8), block.getValue(),
                    "the README's " + block.getKey());
        }
    }

    /** The README's dependency and this module's versions are the project's (a release changes them together). */
    @Test
    void the_versions_are_the_projects() throws Exception {
        String parent = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
        Matcher pv = Pattern.compile("<artifactId>dbmq-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(parent);
        assertTrue(pv.find());
        String version = pv.group(1);
        String sample = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        assertTrue(sample.contains("<artifactId>queue-spring-boot-sample</artifactId>\n  <version>" + version
                + "</version>"), "this module's version is " + version);
        assertTrue(readme().contains("<artifactId>queue-spring-boot-starter</artifactId>\n  <version>" + version
                + "</version>"), "the README's starter dependency is " + version);
    }
}
