package dev.dbmq;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What is written to {@link System#err} while open, passed through as well: slf4j-simple, the tests' logger, writes
 * each line to the System.err of the moment. Test classes run one at a time, so what is captured is this test's.
 */
final class CapturedErr implements AutoCloseable {

    private static final Pattern RECORD_START = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[");

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    CapturedErr() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public synchronized void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** The lines written so far that contain {@code text}. */
    List<String> lines(String text) {
        return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(text)).toList();
    }

    /**
     * The first log record written so far whose first line contains {@code text}: that line, then the lines that
     * follow it up to the next record's (a stack trace), or an empty list. slf4j-simple begins each record with its
     * time, {@code HH:mm:ss.SSS [thread]}.
     */
    List<String> record(String text) {
        List<String> all = captured.toString(StandardCharsets.UTF_8).lines().toList();
        for (int i = 0; i < all.size(); i++) {
            if (RECORD_START.matcher(all.get(i)).lookingAt() && all.get(i).contains(text)) {
                int end = i + 1;
                while (end < all.size() && !RECORD_START.matcher(all.get(end)).lookingAt()) {
                    end++;
                }
                return all.subList(i, end);
            }
        }
        return List.of();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
