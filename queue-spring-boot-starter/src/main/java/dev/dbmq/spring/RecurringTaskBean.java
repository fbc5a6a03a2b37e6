package dev.dbmq.spring;

import dev.dbmq.Schedule;
import dev.dbmq.Task;
import java.util.Objects;

/**
 * A recurring schedule as a bean: the starter registers every such bean with the application's foreman, as
 * {@link dev.dbmq.Foreman.Builder#recurring(String, Schedule, Task, Object)} does (its javadoc has the rules). The
 * task needs a {@link TaskHandlerBean} in the same context.
 *
 * <pre>{@code
 * @Bean
 * RecurringTaskBean<Report> nightlyReport() {
 *     return RecurringTaskBean.of("nightly-report", Schedule.cron("0 3 * * *", ZoneId.of("Europe/Amsterdam")),
 *             Tasks.REPORT, new Report());
 * }
 * }</pre>
 *
 * @param <A> the task's args type
 */
public final class RecurringTaskBean<A> {

    private final String name;
    private final Schedule schedule;
    private final Task<A> task;
    private final A args;

    private RecurringTaskBean(String name, Schedule schedule, Task<A> task, A args) {
        this.name = name;
        this.schedule = schedule;
        this.task = task;
        this.args = args;
    }

    /** {@code task} with {@code args}, due on {@code schedule}, one pending instance at a time under {@code name}. */
    public static <A> RecurringTaskBean<A> of(String name, Schedule schedule, Task<A> task, A args) {
        return new RecurringTaskBean<>(Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(schedule, "schedule"), Objects.requireNonNull(task, "task"), args);
    }

    public String name() {
        return name;
    }

    public Schedule schedule() {
        return schedule;
    }

    public Task<A> task() {
        return task;
    }

    /** The args every instance runs with. */
    public A args() {
        return args;
    }

    /** Registers this schedule on a foreman's builder. */
    void register(dev.dbmq.Foreman.Builder builder) {
        builder.recurring(name, schedule, task, args);
    }

    @Override
    public String toString() {
        return "RecurringTaskBean[" + name + ", " + schedule.spec() + ", " + task.name() + "]";
    }
}
