package dev.dbmq.testing;

import dev.dbmq.TaskContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TaskContext} for a test that calls a handler directly, naming only what the test is about:
 *
 * <pre>{@code
 * handler.handle(args, TestTaskContext.first());                             // attempt 1 of task 1, due now
 * handler.handle(args, TestTaskContext.builder().attempt(3).build());         // the third attempt
 * handler.handle(args, TestTaskContext.builder().metadata("tenant", "t1").build());
 * }</pre>
 *
 * <p>Unset, a context is task 1's first attempt, enqueued and due when it was built (to the millisecond, as the
 * queue stores times), without metadata. Immutable; the builder is not thread-safe.
 */
public final class TestTaskContext implements TaskContext {

    private final long id;
    private final int attempt;
    private final Instant scheduledAt;
    private final Instant enqueuedAt;
    private final Map<String, String> metadata;

    private TestTaskContext(Builder b) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        this.id = b.id;
        this.attempt = b.attempt;
        this.enqueuedAt = b.enqueuedAt == null ? now : b.enqueuedAt;
        this.scheduledAt = b.scheduledAt == null ? enqueuedAt : b.scheduledAt;
        this.metadata = Map.copyOf(b.metadata);
    }

    /** Task 1's first attempt, enqueued and due now, without metadata. */
    public static TestTaskContext first() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant scheduledAt() {
        return scheduledAt;
    }

    @Override
    public Instant enqueuedAt() {
        return enqueuedAt;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return "TestTaskContext[id=" + id + ", attempt=" + attempt + ", scheduledAt=" + scheduledAt + ", enqueuedAt="
                + enqueuedAt + ", metadata=" + metadata + "]";
    }

    /** What a test sets; the rest keeps the defaults of {@link TestTaskContext#first()}. */
    public static final class Builder {

        private long id = 1;
        private int attempt = 1;
        private Instant scheduledAt;
        private Instant enqueuedAt;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder() {
        }

        /** The task's id; default 1. */
        public Builder id(long id) {
            this.id = id;
            return this;
        }

        /** 1 for the first attempt (the default), 2 for the first retry, … */
        public Builder attempt(int attempt) {
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
            }
            this.attempt = attempt;
            return this;
        }

        /** When this attempt was due; default: the enqueue time. */
        public Builder scheduledAt(Instant scheduledAt) {
            this.scheduledAt = Objects.requireNonNull(scheduledAt, "scheduledAt");
            return this;
        }

        /** When the task was enqueued; default: when the context is built. */
        public Builder enqueuedAt(Instant enqueuedAt) {
            this.enqueuedAt = Objects.requireNonNull(enqueuedAt, "enqueuedAt");
            return this;
        }

        /** One metadata entry, as an {@link dev.dbmq.EnqueueInterceptor} would have stored it. */
        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "metadata key"), Objects.requireNonNull(value, "metadata value"));
            return this;
        }

        /** Metadata entries, added to any set before. */
        public Builder metadata(Map<String, String> entries) {
            Objects.requireNonNull(entries, "metadata").forEach(this::metadata);
            return this;
        }

        public TestTaskContext build() {
            return new TestTaskContext(this);
        }
    }
}
