package dev.dbmq;

import java.time.Instant;
import java.util.Objects;

/**
 * A recurring schedule as its pending instance shows it ({@link TaskQueue#schedules()}): the task that runs at its
 * next tick.
 *
 * @param name      the schedule's name ({@link Foreman.Builder#recurring})
 * @param taskName  the task each tick runs
 * @param schedule  its {@link Schedule#spec()}, as the instance carries it
 * @param nextDueAt when its next tick is due
 * @param writtenAt when the pending instance was written: by the claim of the last tick, or by the start of a
 *                  foreman that registered the schedule when none was pending
 * @param args      the args each tick runs with, as stored JSON (may be sensitive: show with care)
 */
public record RecurringSchedule(String name, String taskName, String schedule, Instant nextDueAt, Instant writtenAt,
                                String args) {

    public RecurringSchedule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(nextDueAt, "nextDueAt");
        Objects.requireNonNull(writtenAt, "writtenAt");
        Objects.requireNonNull(args, "args");
    }
}
