package dev.dbmq.testing;

import dev.dbmq.TaskContext;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

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
 * queue stores times), without metadata, not cancelled. What the handler reports (progress, a snooze) is kept for the
 * test to read. The builder is not thread-safe.
 */
public final class TestTaskContext implements TaskContext {

    private final long id;
    private final int attempt;
    private final Instant scheduledAt;
    private final Instant enqueuedAt;
    private final Map<String, String> metadata;
    private final boolean cancelled;
    // What the handler reported; read by the test. Written by the handler's thread.
    private volatile double progress = Double.NaN;
    private volatile String note;
    private volatile Duration snoozed;

    private TestTaskContext(Builder b) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        this.id = b.id;
        this.attempt = b.attempt;
        this.enqueuedAt = b.enqueuedAt == null ? now : b.enqueuedAt;
        this.scheduledAt = b.scheduledAt == null ? enqueuedAt : b.scheduledAt;
        this.metadata = Map.copyOf(b.metadata);
        this.cancelled = b.cancelled;
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

    /** Validated as the foreman does; the test reads it back with {@link #reportedProgress()}. */
    @Override
    public void progress(double fraction, String note) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("progress must be from 0 to 1, was " + fraction);
        }
        this.progress = fraction;
        this.note = note == null || note.length() <= 500 ? note : note.substring(0, 499) + "…"; // as the foreman cuts
    }

    /** As set with {@link Builder#cancelled}; default false. */
    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void snooze(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("snooze delay must be >= 0, was " + delay);
        }
        this.snoozed = delay;
    }

    /** The last progress the handler reported; empty when none. */
    public OptionalDouble reportedProgress() {
        double p = progress;
        return Double.isNaN(p) ? OptionalDouble.empty() : OptionalDouble.of(p);
    }

    /** The note of the last progress the handler reported; empty when none. */
    public Optional<String> reportedNote() {
        return Optional.ofNullable(note);
    }

    /** The delay of the handler's last {@link #snooze}; empty when it asked for none. */
    public Optional<Duration> snoozed() {
        return Optional.ofNullable(snoozed);
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
        private boolean cancelled;

        private Builder() {
        }

        /** Whether the attempt was asked to stop ({@link TaskContext#isCancelled()}); default false. */
        public Builder cancelled(boolean cancelled) {
            this.cancelled = cancelled;
            return this;
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
