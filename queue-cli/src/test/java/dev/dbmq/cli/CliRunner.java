package dev.dbmq.cli;

import dev.dbmq.testing.SettableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Runs the command line in this JVM, as {@code main} would, with its output captured and its clock set by the test. */
final class CliRunner {

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    final SettableClock clock = new SettableClock(Instant.now());
    private final List<String> common;

    /** @param common arguments put before each run's own, e.g. {@code --db FILE} */
    CliRunner(String... common) {
        this.common = List.of(common);
    }

    Run run(String... args) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(all, clock, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }
}
