package dev.dbmq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command-line grammar, as a table: what a line parses to, or the error it gets. */
class ArgumentsTest {

    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-03-10T12:00:00Z"));

    static Arguments parse(String line) {
        return Arguments.parse(Main.ROOT, Main.COMMON, line.isBlank() ? List.of() : List.of(line.split(" ")), CLOCK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --db q.db status --max-age 5m       | dbmq status         | --db=q.db --max-age=5m
            status --db=q.db --max-age=5m       | dbmq status         | --db=q.db --max-age=5m
            --json failed list --limit 3        | dbmq failed list    | --json= --limit=3
            failed requeue --id 1 --id 2 --all  | dbmq failed requeue | --id=1,2 --all=
            cancel 42 -v                        | dbmq cancel         | #42 --verbose=
            cancel -- -5                        | dbmq cancel         | #-5
            history --name a=b                  | dbmq history        | --name=a=b
            status -h                           | dbmq status         | --help=
            -V                                  | dbmq                | --version=
            """)
    void parses(String line, String command, String expected) {
        Arguments a = parse(line);
        assertEquals(command, a.command().path());
        StringBuilder got = new StringBuilder();
        if (a.parameter() != null) {
            got.append('#').append(a.parameter());
        }
        for (String name : List.of("--db", "--json", "--verbose", "--help", "--version", "--max-age", "--limit",
                "--id", "--all", "--name")) {
            if (a.flag(name)) {
                List<String> values = a.values(name).stream().map(v -> v == null ? "" : v).toList();
                got.append(got.isEmpty() ? "" : " ").append(name).append('=').append(String.join(",", values));
            }
        }
        assertEquals(expected, got.toString());
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            status --max-ag 5m        | dbmq status        | Unknown option: '--max-ag'; did you mean --max-age?
            stauts                    | dbmq               | Unknown command: 'stauts'; did you mean status?
            failed lsit               | dbmq failed        | Unknown command: 'lsit'; did you mean list?
            status --max-age          | dbmq status        | Missing value for option '--max-age' (DURATION)
            status --json=yes         | dbmq status        | Option '--json' takes no value
            failed list --name a --name b | dbmq failed list | Option '--name' should be given only once
            cancel 1 2                | dbmq cancel        | Unexpected argument: '2' (dbmq cancel takes one ID)
            status now                | dbmq status        | Unexpected argument: 'now'
            failed --name x list      | dbmq failed        | Unknown option: '--name'
            """)
    void refuses(String line, String command, String message) {
        UsageError e = assertThrows(UsageError.class, () -> parse(line));
        assertEquals(message, e.getMessage());
        assertEquals(command, e.command().path());
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            --min-foremen | many | Invalid value for option '--min-foremen': 'many' is not a whole number
            --max-age     | soon | Invalid value for option '--max-age': 'soon' is not a duration
            """)
    void converts_or_names_the_option(String option, String value, String message) {
        Arguments a = parse("status " + option + " " + value);
        UsageError e = assertThrows(UsageError.class,
                () -> StatusCommand.SPEC.factory().make(a));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void times_are_relative_to_the_clock() {
        Arguments a = parse("cancel --due-after 2h --due-before +2h");
        assertEquals(Instant.parse("2026-03-10T10:00:00Z"), a.instant("--due-after"));
        assertEquals(Instant.parse("2026-03-10T14:00:00Z"), a.instant("--due-before"));
    }

    @Test
    void help_lists_commands_options_and_exit_codes() {
        String root = Main.ROOT.help(Main.COMMON);
        assertTrue(root.startsWith("Usage: dbmq COMMAND [OPTIONS]\n"), root);
        assertTrue(root.contains("\nCommands:\n  status "), root);
        assertTrue(!root.contains("cds-training"), "hidden: " + root);
        String cancel = CancelCommand.SPEC.help(Main.COMMON);
        assertTrue(cancel.startsWith("Usage: dbmq cancel [ID] [OPTIONS]\n"), cancel);
        assertTrue(cancel.contains("\nOptions:\n      ID "), cancel);
        assertTrue(cancel.contains("\n      --key-prefix=PREFIX "), cancel);
        assertTrue(cancel.contains("\nCommon options:\n      --db=FILE|URL "), cancel);
        assertTrue(cancel.contains("\n  -v, --verbose "), cancel);
        assertTrue(cancel.contains("\nExit codes:\n  0  cancelled"), cancel);
        for (String line : cancel.split("\n")) {
            assertTrue(line.length() <= CommandSpec.WIDTH, "wrapped: " + line);
        }
    }

    @Test
    void distance_is_levenshtein() {
        assertEquals(0, Arguments.distance("status", "status"));
        assertEquals(2, Arguments.distance("stauts", "status"));
        assertEquals(1, Arguments.distance("--max-ag", "--max-age"));
        assertEquals(6, Arguments.distance("", "status"));
    }
}
