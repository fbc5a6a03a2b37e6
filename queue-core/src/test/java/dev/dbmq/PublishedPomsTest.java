package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What the published poms promise users. dbmq-bom has no parent (so it manages only dbmq's own artifacts), so its
 * versions are written out: they must be the parent's version, and it must manage every library module users add.
 * And queue-core stays small: what it brings into an application is a fixed, short list.
 */
class PublishedPomsTest {

    @Test
    void queue_core_brings_only_jooq_jackson_flyway_the_sqlite_driver_and_slf4j_api() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertEquals(List.of("dev.dbmq:queue-migrations", "org.jooq:jooq", "com.fasterxml.jackson.core:jackson-databind",
                        "com.fasterxml.jackson.core:jackson-core", "org.xerial:sqlite-jdbc", "org.postgresql:postgresql (optional)", "org.slf4j:slf4j-api"),
                runtimeDependencies(root.resolve("queue-core/pom.xml")));
        assertEquals(List.of("org.flywaydb:flyway-core", "org.flywaydb:flyway-database-postgresql",
                "org.slf4j:slf4j-api"), runtimeDependencies(root.resolve("queue-migrations/pom.xml")));
    }

    /** The project's own dependencies that reach its users: all but test scope, optional ones marked. */
    private static List<String> runtimeDependencies(Path pom) throws Exception {
        Element project = parse(pom).getDocumentElement();
        List<String> found = new ArrayList<>();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("dependencies")) {
                NodeList deps = e.getElementsByTagName("dependency");
                for (int i = 0; i < deps.getLength(); i++) {
                    Element d = (Element) deps.item(i);
                    String scope = d.getElementsByTagName("scope").getLength() == 0 ? "compile" : child(d, "scope");
                    if (!scope.equals("test")) {
                        boolean optional = d.getElementsByTagName("optional").getLength() > 0
                                && child(d, "optional").equals("true");
                        found.add(child(d, "groupId") + ":" + child(d, "artifactId") + (optional ? " (optional)" : ""));
                    }
                }
            }
        }
        return found;
    }

    @Test
    void the_bom_manages_the_library_modules_at_the_projects_version() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Document parent = parse(root.resolve("pom.xml"));
        Document bom = parse(root.resolve("dbmq-bom/pom.xml"));
        String version = child(parent.getDocumentElement(), "version");
        assertEquals(version, child(bom.getDocumentElement(), "version"), "dbmq-bom's own version");
        List<String> managed = new ArrayList<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertEquals("dev.dbmq", child(d, "groupId"));
            assertEquals(version, child(d, "version"), child(d, "artifactId") + "'s version in dbmq-bom");
            managed.add(child(d, "artifactId"));
        }
        assertEquals(List.of("queue-migrations", "queue-core", "queue-dashboard", "queue-micrometer",
                "queue-opentelemetry", "queue-spring-boot-starter"), managed);
        for (String module : managed) {
            assertEquals(true, Files.exists(root.resolve(module).resolve("pom.xml")), module + " is a module here");
        }
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    /** The text of a direct child element (not of a nested one, such as parent/version). */
    private static String child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().trim();
            }
        }
        throw new AssertionError(e.getTagName() + " has no " + name);
    }
}
