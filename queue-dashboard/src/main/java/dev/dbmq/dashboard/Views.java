package dev.dbmq.dashboard;

import dev.dbmq.FailedTask;
import dev.dbmq.FinishedAttempt;
import dev.dbmq.ForemanInfo;
import dev.dbmq.GoneForeman;
import dev.dbmq.PendingTask;
import dev.dbmq.RecurringSchedule;
import dev.dbmq.RunningTask;
import dev.dbmq.TaskNameStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shape of each kind of record the API returns: times as ISO-8601 strings, durations as whole milliseconds
 * (named {@code …Millis}); args (the stored JSON, as a string) and metadata only when the caller may see them
 * ({@link Action#VIEW_ARGS}), else left out entirely. Error texts and failure reasons are always included: they are
 * what an operator needs, and the page shows them as text, never as markup.
 */
final class Views {

    private Views() {
    }

    static Map<String, Object> pending(PendingTask t, boolean withArgs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.taskName());
        m.put("attempt", t.attempt());
        m.put("priority", t.priority());
        m.put("dueAt", iso(t.dueAt()));
        m.put("enqueuedAt", iso(t.enqueuedAt()));
        m.put("key", t.key().orElse(null));
        if (withArgs) {
            m.put("args", t.args());
            m.put("metadata", t.metadata());
        }
        return m;
    }

    static Map<String, Object> running(RunningTask t, boolean withArgs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.taskName());
        m.put("attempt", t.attempt());
        m.put("foremanId", t.foremanId());
        m.put("startedAt", iso(t.startedAt()));
        m.put("enqueuedAt", iso(t.enqueuedAt()));
        m.put("progress", t.progress().isPresent() ? t.progress().getAsDouble() : null);
        m.put("note", t.note().orElse(null));
        if (withArgs) {
            m.put("args", t.args());
            m.put("metadata", t.metadata());
        }
        return m;
    }

    static Map<String, Object> failed(FailedTask t, boolean withArgs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.taskName());
        m.put("createdAt", iso(t.createdAt()));
        m.put("failedAt", iso(t.failedAt()));
        m.put("attempts", t.attempts());
        m.put("reason", t.reason());
        if (withArgs) {
            m.put("args", t.args());
        }
        return m;
    }

    /** A live foreman, as {@code api/foremen} lists it under {@code live}: busy workers of its workers, its state. */
    static Map<String, Object> foreman(ForemanInfo f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("host", f.host());
        m.put("pid", f.pid());
        m.put("startedAt", iso(f.startedAt()));
        m.put("workers", f.workers());
        m.put("busy", f.busy());
        m.put("handles", f.handles());
        m.put("state", f.state().name());
        return m;
    }

    /**
     * A foreman that is gone, as {@code api/foremen} lists it under {@code gone}: how it ended ({@code STOPPED},
     * {@code FAILED}, {@code DIED}) and when; {@code endedAt} is null for one that died, since nobody wrote its end.
     */
    static Map<String, Object> goneForeman(GoneForeman f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("host", f.host());
        m.put("pid", f.pid());
        m.put("startedAt", iso(f.startedAt()));
        m.put("workers", f.workers());
        m.put("handles", f.handles());
        m.put("end", f.end().name());
        m.put("endedAt", f.endedAt().map(Views::iso).orElse(null));
        return m;
    }

    /**
     * One finished attempt of the history: its task's id and name, the attempt, how it ended, its times, how long it
     * ran ({@code tookMillis}), the foreman that ran it (null for a manual foreman) and its error (null unless it threw).
     */
    static Map<String, Object> attempt(FinishedAttempt a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("name", a.taskName());
        m.put("attempt", a.attempt());
        m.put("outcome", a.outcome().name());
        m.put("enqueuedAt", iso(a.enqueuedAt()));
        m.put("startedAt", iso(a.startedAt()));
        m.put("finishedAt", iso(a.finishedAt()));
        m.put("tookMillis", a.took().toMillis());
        m.put("foremanId", a.foremanId().orElse(null));
        m.put("error", a.error().orElse(null));
        return m;
    }

    /**
     * A recurring schedule: its name, task, schedule spec, next tick, and {@code writtenAt}, when its pending instance
     * was written (by the claim of the previous tick, or by a foreman's start); args only with {@code withArgs}.
     */
    static Map<String, Object> schedule(RecurringSchedule s, boolean withArgs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("task", s.taskName());
        m.put("schedule", s.schedule());
        m.put("nextDueAt", iso(s.nextDueAt()));
        m.put("writtenAt", iso(s.writtenAt()));
        if (withArgs) {
            m.put("args", s.args());
        }
        return m;
    }

    /**
     * One task name's row of the overview: its counts as {@link TaskNameStats} has them, its oldest due task's age,
     * its next due time, and {@code donePerMinute}, the attempts that succeeded in the last complete minute.
     */
    static Map<String, Object> taskName(TaskNameStats t, long donePerMinute) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.taskName());
        m.put("pending", t.pending());
        m.put("due", t.due());
        m.put("scheduled", t.scheduled());
        m.put("retrying", t.retrying());
        m.put("running", t.running());
        m.put("failedKept", t.failedKept());
        m.put("done", t.done());
        m.put("failed", t.failed());
        m.put("donePerMinute", donePerMinute);
        m.put("oldestDueAgeMillis", t.oldestDueAge().toMillis());
        m.put("nextDueAt", t.nextDueAt().map(Views::iso).orElse(null));
        return m;
    }

    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
