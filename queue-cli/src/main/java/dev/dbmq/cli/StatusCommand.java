package dev.dbmq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmq.FailedFilter;
import dev.dbmq.QueueStats;
import dev.dbmq.TaskNameStats;
import dev.dbmq.TaskQueue;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code dbmq status}: the queue at a glance, and a health check. The checks are opt-in; with none, the exit code says
 * only whether the queue could be read. Each check is judged by {@link #checks}, a pure function of what was read.
 *
 * <p>By default it reads what indexes bound ({@link TaskQueue#statsByName()}), so a health check costs the same at a
 * million queued tasks as at ten: counts stop at {@link TaskNameStats#COUNT_LIMIT} a task name and are then shown as
 * "at least" ({@code 10000+}); the oldest due task's age, the next due time, running attempts and foremen are exact.
 * {@code --exact} counts every pending task instead ({@link TaskQueue#stats()}: its time grows with the queue).
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
                    Opt.value("--max-failed", "N", "Fail when more than N failed tasks are kept."),
                    Opt.flag("--exact", "Count every pending task (the time this takes grows with the queue)"
                            + " instead of stopping at " + TaskNameStats.COUNT_LIMIT + " a task name."))
            .exitCodes("0  healthy: every check given passed (with none given: the queue was read)",
                    "1  a check failed",
                    "2  bad usage, no queue at --db, or the database could not be read");

    private final Duration maxAge;
    private final Integer minForemen;
    private final Long maxFailed;
    private final boolean exact;

    StatusCommand(Arguments arguments) {
        super(arguments);
        maxAge = arguments.duration("--max-age");
        minForemen = arguments.integer("--min-foremen");
        maxFailed = arguments.longValue("--max-failed");
        exact = arguments.flag("--exact");
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

    /**
     * A count as status shows it: exact, or at least {@code n} when a count it sums stopped at
     * {@link TaskNameStats#COUNT_LIMIT}.
     */
    record Count(long n, boolean atLeast) {

        static Count exact(long n) {
            return new Count(n, false);
        }

        /** One of {@link TaskNameStats}'s counts of tasks. */
        static Count bounded(long n) {
            return new Count(n, TaskNameStats.atLimit(n));
        }

        Count plus(Count other) {
            return new Count(n + other.n, atLeast || other.atLeast);
        }

        @Override
        public String toString() {
            return atLeast ? n + "+" : Long.toString(n);
        }
    }

    /** One task name's line. */
    record Row(String name, Count pending, long running, long done, long failed) {
    }

    /**
     * What status shows.
     *
     * @param oldestDueAge the longest-waiting due task's wait; zero when none is due
     * @param nextDueAt    when the next scheduled task is due
     */
    record Glance(Count due, Count scheduled, Count retrying, Duration oldestDueAge, Optional<Instant> nextDueAt,
                  long running, Count failedKept, List<Row> tasks) {

        Count pending() {
            return due.plus(scheduled);
        }

        /** Whether every count is exact. */
        boolean exact() {
            return !pending().atLeast() && !retrying.atLeast() && !failedKept.atLeast()
                    && tasks.stream().noneMatch(r -> r.pending().atLeast());
        }

        Glance withFailedKept(long exactCount) {
            return new Glance(due, scheduled, retrying, oldestDueAge, nextDueAt, running, Count.exact(exactCount),
                    tasks);
        }

        /** Every count exact, from {@link TaskQueue#stats()}. */
        static Glance of(QueueStats stats) {
            TreeSet<String> names = new TreeSet<>(stats.pendingByName().keySet());
            names.addAll(stats.runningByName().keySet());
            names.addAll(stats.counts().keySet());
            List<Row> rows = new ArrayList<>();
            for (String name : names) {
                QueueStats.TaskCounts counts = stats.counts().getOrDefault(name, new QueueStats.TaskCounts(0, 0));
                rows.add(new Row(name, Count.exact(stats.pendingByName().getOrDefault(name, 0L)),
                        stats.runningByName().getOrDefault(name, 0L), counts.done(), counts.failed()));
            }
            return new Glance(Count.exact(stats.due()), Count.exact(stats.scheduled()),
                    Count.exact(stats.retrying()), stats.due() == 0 ? Duration.ZERO : stats.oldestTaskAge(),
                    stats.nextDueAt(), stats.running(), Count.exact(stats.failedKept()), rows);
        }

        /** From {@link TaskQueue#statsByName()}, whose counts of tasks stop at the limit, per name. */
        static Glance of(List<TaskNameStats> byName) {
            Count due = Count.exact(0);
            Count scheduled = Count.exact(0);
            Count retrying = Count.exact(0);
            Count failedKept = Count.exact(0);
            long running = 0;
            Duration oldest = Duration.ZERO;
            Optional<Instant> next = Optional.empty();
            List<Row> rows = new ArrayList<>();
            for (TaskNameStats s : byName) {
                Count pending = Count.bounded(s.due()).plus(Count.bounded(s.scheduled()));
                due = due.plus(Count.bounded(s.due()));
                scheduled = scheduled.plus(Count.bounded(s.scheduled()));
                retrying = retrying.plus(Count.bounded(s.retrying()));
                failedKept = failedKept.plus(Count.bounded(s.failedKept()));
                running += s.running();
                if (s.oldestDueAge().compareTo(oldest) > 0) {
                    oldest = s.oldestDueAge();
                }
                if (s.nextDueAt().isPresent() && (next.isEmpty() || s.nextDueAt().get().isBefore(next.get()))) {
                    next = s.nextDueAt();
                }
                rows.add(new Row(s.taskName(), pending, s.running(), s.done(), s.failed()));
            }
            return new Glance(due, scheduled, retrying, oldest, next, running, failedKept, rows);
        }
    }

    @Override
    int run(TaskQueue queue, Output out) {
        Glance glance = exact ? Glance.of(queue.stats()) : Glance.of(queue.statsByName());
        if (maxFailed != null && glance.failedKept().atLeast() && glance.failedKept().n() <= maxFailed) {
            // at least the limit, and the check needs to know whether more than --max-failed: count them all
            glance = glance.withFailedKept(queue.countFailed(FailedFilter.all()));
        }
        int foremen = queue.foremen().size();
        java.util.Set<String> paused = queue.pausedLanes().keySet();
        List<Check> checks = checks(glance, foremen, maxAge, minForemen, maxFailed);
        boolean healthy = checks.stream().allMatch(Check::ok);
        if (out.json()) {
            ObjectNode root = json(out.queue(), glance, foremen, checks, healthy);
            paused.forEach(root.putArray("pausedLanes")::add);
            out.print(root);
        } else {
            text(out.out(), out.queue(), glance, foremen, paused, checks, now());
        }
        return healthy ? Main.OK : Main.CHECK_FAILED;
    }

    /**
     * The checks asked for (a null limit is not asked), in the order of the options' descriptions. A failed-kept count
     * that is only "at least" fails {@code max-failed} unless it is already over it: the caller counts exactly when
     * that matters.
     */
    static List<Check> checks(Glance glance, int liveForemen, Duration maxAge, Integer minForemen, Long maxFailed) {
        List<Check> checks = new ArrayList<>();
        if (maxAge != null) {
            Duration age = glance.oldestDueAge();
            checks.add(new Check("max-age", maxAge.toString(), age.toString(), age.compareTo(maxAge) <= 0));
        }
        if (minForemen != null) {
            checks.add(new Check("min-foremen", minForemen.toString(), Integer.toString(liveForemen),
                    liveForemen >= minForemen));
        }
        if (maxFailed != null) {
            Count failed = glance.failedKept();
            checks.add(new Check("max-failed", maxFailed.toString(), failed.toString(),
                    failed.n() <= maxFailed && !failed.atLeast()));
        }
        return checks;
    }

    private static ObjectNode json(String queueName, Glance glance, int foremen, List<Check> checks,
                                   boolean healthy) {
        ObjectNode root = Output.object();
        root.put("queue", queueName);
        root.put("healthy", healthy);
        root.put("countsExact", glance.exact());
        root.put("pending", glance.pending().n());
        root.put("due", glance.due().n());
        root.put("scheduled", glance.scheduled().n());
        root.put("retrying", glance.retrying().n());
        root.put("nextDueAt", glance.nextDueAt().map(Output::iso).orElse(null));
        root.put("oldestDueAge", glance.oldestDueAge().toString());
        root.put("oldestDueAgeSeconds", glance.oldestDueAge().toMillis() / 1000.0);
        root.put("running", glance.running());
        root.put("failedKept", glance.failedKept().n());
        root.put("liveForemen", foremen);
        ObjectNode tasks = root.putObject("tasks");
        for (Row row : glance.tasks()) {
            tasks.putObject(row.name())
                    .put("pending", row.pending().n())
                    .put("running", row.running())
                    .put("done", row.done())
                    .put("failed", row.failed());
        }
        ArrayNode list = root.putArray("checks");
        for (Check c : checks) {
            list.addObject().put("check", c.name()).put("limit", c.limit()).put("value", c.value()).put("ok", c.ok());
        }
        return root;
    }

    private static void text(PrintWriter out, String queueName, Glance glance, int foremen,
                             java.util.Set<String> pausedLanes, List<Check> checks, Instant now) {
        out.printf("queue        %s%n", queueName);
        out.printf("pending      %s%n", glance.pending());
        out.printf("  due        %s%n", glance.due());
        out.printf("  scheduled  %s%s%n", glance.scheduled(), glance.nextDueAt()
                .map(at -> " (next in " + TimeText.words(Duration.between(now, at)) + ", "
                        + at.truncatedTo(ChronoUnit.SECONDS) + ")")
                .orElse(""));
        out.printf("  retrying   %s (due or scheduled)%n", glance.retrying());
        // the most overdue due task's wait: scheduled tasks are not waiting for a worker
        out.printf("oldest due   %s%n", glance.due().n() == 0 ? "- (none due)" : TimeText.words(glance.oldestDueAge()));
        out.printf("running      %d%n", glance.running());
        out.printf("failed kept  %s%n", glance.failedKept());
        out.printf("foremen      %d live%n", foremen);
        if (!pausedLanes.isEmpty()) {
            out.printf("paused       %s (lanes: no foreman claims their tasks)%n", String.join(", ", pausedLanes));
        }
        if (!glance.tasks().isEmpty()) {
            TextTable table = new TextTable("task", "pending>", "running>", "done>", "failed>");
            for (Row row : glance.tasks()) {
                table.row(row.name(), row.pending(), row.running(), row.done(), row.failed());
            }
            out.println();
            table.print(out);
        }
        if (!glance.exact()) {
            out.printf("%nN+: at least N; counts stop at %d a task name (--exact counts every task)%n",
                    TaskNameStats.COUNT_LIMIT);
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
