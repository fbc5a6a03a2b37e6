package dev.dbmq.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Results JMH's own JSON has no place for (the wakeup histograms, the machine's load during each trial), written next
 * to jmh-result.json as flat JSON objects, one entry per benchmark and parameters, one entry per line. Each fork
 * merges its entry into what earlier forks wrote; the report step reads them.
 */
final class SideResults {

    static final String WAKEUP_LATENCY = "wakeup-latency.json";
    static final String LOAD = "bench-load.json";
    /** PostgreSQL enqueue-to-finish: how long the producer's enqueueAll alone took, per invocation. */
    static final String PG_ENQUEUE_PHASE = "pg-enqueue-phase.json";
    /** Scheduled tasks: lateness of tasks due at a given time, and the recurring schedule's ticks. */
    static final String SCHEDULED = "scheduled-lateness.json";
    /** Cold start to the first committed task, the child JVM's own figures. */
    static final String COLD_START = "cold-start.json";
    /** A foreman's start: the first enqueues after start() in a fresh JVM, the child JVM's own figures. */
    static final String FOREMAN_START = "foreman-start.json";

    private static final Pattern LINE = Pattern.compile("\\s*\"([^\"]+)\": (.*?),?");

    private SideResults() {
    }

    /** "benchmark:param=value,…", the key under which the report looks up a benchmark's side results. */
    static String key(BenchmarkParams params) {
        StringBuilder sb = new StringBuilder(params.getBenchmark());
        String sep = ":";
        for (String p : params.getParamsKeys()) {
            sb.append(sep).append(p).append('=').append(params.getParam(p));
            sep = ",";
        }
        return sb.toString();
    }

    /** The 1-, 5- and 15-minute load averages now, as a JSON array (Linux; null elsewhere). */
    static void recordLoad(BenchmarkParams params) {
        String load = "null";
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = "[" + f[0] + ", " + f[1] + ", " + f[2] + "]";
        } catch (IOException | RuntimeException e) {
            // not Linux: no load figure
        }
        put(LOAD, key(params), load);
    }

    static synchronized void put(String fileName, String key, String json) {
        Path file = BenchDb.resultDirectory().resolve(fileName);
        Map<String, String> entries = new LinkedHashMap<>();
        try {
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher m = LINE.matcher(l);
                    if (m.matches()) {
                        entries.put(m.group(1), m.group(2));
                    }
                }
            }
            entries.put(key, json);
            StringBuilder sb = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<String, String> e : entries.entrySet()) {
                sb.append("  \"").append(e.getKey()).append("\": ").append(e.getValue())
                        .append(++i < entries.size() ? ",\n" : "\n");
            }
            sb.append("}\n");
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
