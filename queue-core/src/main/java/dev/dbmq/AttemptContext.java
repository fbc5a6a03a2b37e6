package dev.dbmq;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link TaskContext} the foreman gives each attempt: what it knows of the attempt, and its {@link AttemptControl}
 * for what the handler tells the foreman and the foreman tells the handler.
 */
record AttemptContext(long id, int attempt, Instant scheduledAt, Instant enqueuedAt, Map<String, String> metadata,
                      AttemptControl control) implements TaskContext {

    AttemptContext {
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        Objects.requireNonNull(control, "control");
    }

    @Override
    public void progress(double fraction, String note) {
        control.progress(fraction, note);
    }

    @Override
    public boolean isCancelled() {
        return control.isStopped();
    }

    @Override
    public void snooze(java.time.Duration delay) {
        control.snooze(delay);
    }

    @Override
    public String toString() { // the control is the foreman's business
        return "TaskContext[id=" + id + ", attempt=" + attempt + ", scheduledAt=" + scheduledAt + ", enqueuedAt="
                + enqueuedAt + ", metadata=" + metadata + "]";
    }
}
