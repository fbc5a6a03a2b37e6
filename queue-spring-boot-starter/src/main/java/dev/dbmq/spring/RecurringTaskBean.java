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
 * RecurringTaskBean nightlyReport() {
 *     return RecurringTaskBean.of("nightly-report", Schedule.cron("0 3 * * *", ZoneId.of("Europe/Amsterdam")),
 *             Tasks.REPORT, new Report());
 * }
 * }</pre>
 */
public final class RecurringTaskBean {

    private final String name;
    private final Schedule schedule;
    private final Task<?> task;
    private final Object args;

    private RecurringTaskBean(String name, Schedule schedule, Task<?> task, Object args) {
        this.name = name;
        this.schedule = schedule;
        this.task = task;
        this.args = args;
    }

    /** {@code task} with {@code args}, due on {@code schedule}, one pending instance at a time under {@code name}. */
    public static <A> RecurringTaskBean of(String name, Schedule schedule, Task<A> task, A args) {
        return new RecurringTaskBean(Objects.requireNonNull(name, "name"), Objects.requireNonNull(schedule, "schedule"),
                Objects.requireNonNull(task, "task"), args);
    }

    public String name() {
        return name;
    }

    public Schedule schedule() {
        return schedule;
    }

    public Task<?> task() {
        return task;
    }

    /** Registers this schedule on a foreman's builder. */
    @SuppressWarnings("unchecked")
    void register(dev.dbmq.Foreman.Builder builder) {
        builder.recurring(name, schedule, (Task<Object>) task, args);
    }

    @Override
    public String toString() {
        return "RecurringTaskBean[" + name + ", " + schedule.spec() + ", " + task.name() + "]";
    }
}
