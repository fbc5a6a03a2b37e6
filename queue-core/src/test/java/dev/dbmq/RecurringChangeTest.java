package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a start changes in a pending recurring instance ({@link RecurringTasks#change}), as a table. */
class RecurringChangeTest {

    private static final RecurringTasks.Pending PENDING =
            new RecurringTasks.Pending(7, "report", "{\"n\":1}", "every PT1M", 5_000, 1);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            # case                      | task   | args    | priority | schedule             | due
            the same registration       | report | {"n":1} | 1        | every PT1M           | none
            new args                    | report | {"n":2} | 1        | every PT1M           | 5000
            another task                | digest | {"n":1} | 1        | every PT1M           | 5000
            another priority            | report | {"n":1} | 0        | every PT1M           | 5000
            a new schedule              | report | {"n":1} | 1        | every PT2M           | 9000
            a new schedule and args     | report | {"n":2} | 1        | cron 0 3 * * * UTC   | 9000
            """)
    void a_changed_schedule_starts_over_and_other_changes_keep_the_due_time(String what, String task, String args,
                                                                             int priority, String schedule,
                                                                             Long due) {
        RecurringTasks.Change change = RecurringTasks.change(PENDING, task, args, priority, schedule, 9_000);
        assertEquals(due, change == null ? null : change.dueAt(), what);
    }

    @Test
    void a_row_without_a_schedule_starts_over() {
        RecurringTasks.Pending none = new RecurringTasks.Pending(7, "report", "{\"n\":1}", null, 5_000, 1);
        assertEquals(9_000, RecurringTasks.change(none, "report", "{\"n\":1}", 1, "every PT1M", 9_000).dueAt());
    }
}
