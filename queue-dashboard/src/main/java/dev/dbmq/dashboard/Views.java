package dev.dbmq.dashboard;

import dev.dbmq.FailedTask;
import dev.dbmq.ForemanInfo;
import dev.dbmq.PendingTask;
import dev.dbmq.RunningTask;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shape of each kind of task the API returns: times as ISO-8601 strings; args (the stored JSON, as a
 * string) and metadata only when the caller may see them ({@link Action#VIEW_ARGS}), else left out entirely.
 */
final class Views {

    private Views() {
    }

    static Map<String, Object> pending(PendingTask t, boolean withArgs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.taskName());
        m.put("attempt", t.attempt());
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

    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
