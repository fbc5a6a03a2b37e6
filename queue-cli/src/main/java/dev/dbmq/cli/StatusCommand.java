package dev.dbmq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmq.QueueStats;
import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code dbmq status}: the queue at a glance, and a health check. The checks are opt-in; with none, the exit code says
 * only whether the queue could be read. Each check is judged by {@link #checks}, a pure function of what was read.
 */
final class StatusCommand extends QueueCommand {

    static final CommandSpec SPEC = CommandSpec.command("dbmq status", StatusCommand::new)
            .summary("The queue at a glance, and a health check (--max-age, --min-foremen, --max-failed).")
            .description("The queue at a glance: pending tasks (due, scheduled, retrying), attempts running, failed"
                            + " tasks kept, how long the oldest due task has waited, live foremen, and counts per task"
                            + " name.",
                    "A health check with --max-age, --min-foremen and --max-failed (any of them): each is printed as"
                            + " ok or FAILED.")
            .options(Opt.value("--max-age", "DURATION", "Fail when the oldest due task has waited longer than this"
                            + " (30s, 5m, 2h): foremen are not keeping up, or none runs."),
                    Opt.value("--min-foremen", "N", "Fail when fewer than N foremen are alive."),
                    Opt.value("--max-failed", "N", "Fail when more than N failed tasks are kept."))
            .exitCodes("0  healthy: every check given passed (with none given: the queue was read)",
                    "1  a check failed",
                    "2  bad usage, no queue at --db, or the database could not be read");

    private final Duration maxAge;
    private final Integer minForemen;
    private final Long maxFailed;

    StatusCommand(Arguments arguments) {
        super(arguments);
        maxAge = arguments.duration("--max-age");
        minForemen = arguments.integer("--min-foremen");
        maxFailed = arguments.longValue("--max-failed");
        if (minForemen != null && minForemen < 0) {
            throw usage("--min-foremen must be >= 0, was " + minForemen);
        }
        if (maxFailed != null && maxFailed < 0) {
            throw usage("--max-failed must be >= 0, was " + maxFailed);
        }
    }

    /**
     * One health check as judged.
     *
     * @param name  the option, e.g. {@code max-age}
     * @param limit its value (a duration ISO-8601, as in the JSON)
     * @param value what was found, in the same terms
     * @param ok    whether it passed
     */
    record Check(String name, String limit, String value, boolean ok) {
    }

    @Override
    int run(TaskQueue queue, Output out) {
        QueueStats stats = queue.stats();
        int foremen = queue.foremen().size();
        List<Check> checks = checks(stats, foremen, maxAge, minForemen, maxFailed);
        boolean healthy = checks.stream().allMatch(Check::ok);
        if (out.json()) {
            out.print(json(out.queue(), stats, foremen, checks, healthy));
        } else {
            text(out.out(), out.queue(), stats, foremen, checks, now());
        }
        return healthy ? Main.OK : Main.CHECK_FAILED;
    }

    /** The checks asked for (a null limit is not asked), in the order of the options' descriptions. */
    static List<Check> checks(QueueStats stats, int liveForemen, Duration maxAge, Integer minForemen,
                              Long maxFailed) {
        List<Check> checks = new ArrayList<>();
        if (maxAge != null) {
            Duration age = stats.due() == 0 ? Duration.ZERO : stats.oldestTaskAge();
            checks.add(new Check("max-age", maxAge.toString(), age.toString(), age.compareTo(maxAge) <= 0));
        }
        if (minForemen != null) {
            checks.add(new Check("min-foremen", minForemen.toString(), Integer.toString(liveForemen),
                    liveForemen >= minForemen));
        }
        if (maxFailed != null) {
            checks.add(new Check("max-failed", maxFailed.toString(), Long.toString(stats.failedKept()),
                    stats.failedKept() <= maxFailed));
        }
        return checks;
    }

    /** Every task name found in any of the counts, sorted. */
    private static TreeSet<String> taskNames(QueueStats stats) {
        TreeSet<String> names = new TreeSet<>(stats.pendingByName().keySet());
        names.addAll(stats.runningByName().keySet());
        names.addAll(stats.counts().keySet());
        return names;
    }

    private static ObjectNode json(String queueName, QueueStats stats, int foremen, List<Check> checks,
                                   boolean healthy) {
        ObjectNode root = Output.object();
        root.put("queue", queueName);
        root.put("healthy", healthy);
        root.put("pending", stats.pending());
        root.put("due", stats.due());
        root.put("scheduled", stats.scheduled());
        root.put("retrying", stats.retrying());
        root.put("nextDueAt", stats.nextDueAt().map(Output::iso).orElse(null));
        Duration age = stats.due() == 0 ? Duration.ZERO : stats.oldestTaskAge();
        root.put("oldestDueAge", age.toString());
        root.put("oldestDueAgeSeconds", age.toMillis() / 1000.0);
        root.put("running", stats.running());
        root.put("failedKept", stats.failedKept());
        root.put("liveForemen", foremen);
        ObjectNode tasks = root.putObject("tasks");
        for (String name : taskNames(stats)) {
            QueueStats.TaskCounts counts = stats.counts().getOrDefault(name, new QueueStats.TaskCounts(0, 0));
            tasks.putObject(name)
                    .put("pending", stats.pendingByName().getOrDefault(name, 0L))
                    .put("running", stats.runningByName().getOrDefault(name, 0L))
                    .put("done", counts.done())
                    .put("failed", counts.failed());
        }
        ArrayNode list = root.putArray("checks");
        for (Check c : checks) {
            list.addObject().put("check", c.name()).put("limit", c.limit()).put("value", c.value()).put("ok", c.ok());
        }
        return root;
    }

    private static void text(PrintWriter out, String queueName, QueueStats stats, int foremen, List<Check> checks,
                             Instant now) {
        out.printf("queue        %s%n", queueName);
        out.printf("pending      %d%n", stats.pending());
        out.printf("  due        %d%n", stats.due());
        out.printf("  scheduled  %d%s%n", stats.scheduled(), stats.nextDueAt()
                .map(at -> " (next in " + TimeText.words(Duration.between(now, at)) + ", "
                        + at.truncatedTo(ChronoUnit.SECONDS) + ")")
                .orElse(""));
        out.printf("  retrying   %d (due or scheduled)%n", stats.retrying());
        // the most overdue due task's wait: scheduled tasks are not waiting for a worker
        out.printf("oldest due   %s%n", stats.due() == 0 ? "- (none due)" : TimeText.words(stats.oldestTaskAge()));
        out.printf("running      %d%n", stats.running());
        out.printf("failed kept  %d%n", stats.failedKept());
        out.printf("foremen      %d live%n", foremen);
        TreeSet<String> names = taskNames(stats);
        if (!names.isEmpty()) {
            TextTable table = new TextTable("task", "pending>", "running>", "done>", "failed>");
            for (String name : names) {
                QueueStats.TaskCounts counts = stats.counts().getOrDefault(name, new QueueStats.TaskCounts(0, 0));
                table.row(name, stats.pendingByName().getOrDefault(name, 0L),
                        stats.runningByName().getOrDefault(name, 0L), counts.done(), counts.failed());
            }
            out.println();
            table.print(out);
        }
        if (!checks.isEmpty()) {
            out.println();
            TextTable table = new TextTable("check", "limit", "found", "result");
            for (Check c : checks) {
                table.row(c.name(), c.limit(), c.value(), c.ok() ? "ok" : "FAILED");
            }
            table.print(out);
        }
        out.flush();
    }
}
