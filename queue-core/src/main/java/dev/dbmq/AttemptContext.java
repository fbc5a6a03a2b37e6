package dev.dbmq;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** The {@link TaskContext} the foreman gives each attempt. Immutable. */
record AttemptContext(long id, int attempt, Instant scheduledAt, Instant enqueuedAt, Map<String, String> metadata)
        implements TaskContext {

    AttemptContext {
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }
}
