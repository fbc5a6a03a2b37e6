package dev.dbmq;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * How a {@link TaskQueue} reaches its database. Immutable; made by {@link #sqlite(Path)} or
 * {@link #postgres(DataSource)} and a {@link Builder}, which rejects a bad value at once, naming the setting.
 */
public final class QueueSettings {

    /** Default {@link Builder#busyTimeout}: 5 s. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link Builder#maxArgsBytes}: 1 MiB. */
    public static final int DEFAULT_MAX_ARGS_BYTES = 1 << 20;
    /** How long finished attempts are kept by default: {@link Builder#history}. */
    public static final Duration DEFAULT_HISTORY = Duration.ofDays(1);
    /** The longest history a queue keeps: {@link Builder#history}. */
    public static final Duration MAX_HISTORY = Duration.ofDays(366);

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Path databaseFile;
    private final DataSource dataSource;
    private final String schema;
    private final Synchronous synchronous;
    private final Duration busyTimeout;
    private final Path wakeupDirectory;
    private final int maxArgsBytes;
    private final ObjectMapper objectMapper; // the application's; null: defaultMapper's
    private final DefaultMapper defaultMapper; // shared by copies of these settings
    private final InstantSource clock;
    private final List<EnqueueInterceptor> enqueueInterceptors;
    private final Duration history;

    private QueueSettings(Builder b) {
        this.databaseFile = b.databaseFile;
        this.dataSource = b.dataSource;
        this.schema = b.schema;
        this.synchronous = b.synchronous;
        this.busyTimeout = b.busyTimeout;
        this.wakeupDirectory = b.wakeupDirectory; // null: the default, resolved by the queue when it opens
        this.maxArgsBytes = b.maxArgsBytes;
        this.objectMapper = b.objectMapper;
        this.defaultMapper = new DefaultMapper();
        this.clock = b.clock;
        this.enqueueInterceptors = List.copyOf(b.enqueueInterceptors);
        this.history = b.history;
    }

    private QueueSettings(QueueSettings s, Path wakeupDirectory) {
        this.databaseFile = s.databaseFile;
        this.dataSource = s.dataSource;
        this.schema = s.schema;
        this.synchronous = s.synchronous;
        this.busyTimeout = s.busyTimeout;
        this.wakeupDirectory = wakeupDirectory;
        this.maxArgsBytes = s.maxArgsBytes;
        this.objectMapper = s.objectMapper;
        this.defaultMapper = s.defaultMapper;
        this.clock = s.clock;
        this.enqueueInterceptors = s.enqueueInterceptors;
        this.history = s.history;
    }

    /** For an opening queue: these settings with the wakeup directory it resolved. */
    QueueSettings withWakeupDirectory(Path resolved) {
        return new QueueSettings(this, Objects.requireNonNull(resolved, "resolved"));
    }

    /** Settings for an embedded SQLite database in this file; created (owner-only) and migrated when missing. */
    public static Builder sqlite(Path databaseFile) {
        return new Builder(Objects.requireNonNull(databaseFile, "databaseFile"), null);
    }

    /**
     * Settings for a PostgreSQL database shared by foremen on many hosts; migrated when needed. Foremen each hold one
     * connection of it for LISTEN; every other use borrows a connection briefly. A pool of fewer than 2 connections
     * is refused when the queue opens, where the pool tells its size (HikariCP, DBCP2, Tomcat JDBC, c3p0).
     */
    public static Builder postgres(DataSource dataSource) {
        return new Builder(null, Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** The SQLite file; null for PostgreSQL. */
    public Path databaseFile() {
        return databaseFile;
    }

    /** The PostgreSQL data source; null for SQLite. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The PostgreSQL schema holding the queue's tables; null means the connections' current schema. */
    public String schema() {
        return schema;
    }

    public Synchronous synchronous() {
        return synchronous;
    }

    public Duration busyTimeout() {
        return busyTimeout;
    }

    /**
     * The directory through which producers in other processes wake the foreman (SQLite). In settings from
     * {@link Builder#build()}: the one set with {@link Builder#wakeupDirectory(Path)}, or null for the default, which
     * depends on the file system and is resolved when the queue opens. In {@link TaskQueue#settings()}: the directory
     * the queue uses, never null on SQLite. Null for PostgreSQL.
     */
    public Path wakeupDirectory() {
        return wakeupDirectory;
    }

    public int maxArgsBytes() {
        return maxArgsBytes;
    }

    /** The application's mapper, or dbmq's default ({@link ArgsCodec#defaultMapper}), the same on every call. */
    public ObjectMapper objectMapper() {
        return objectMapper != null ? objectMapper : defaultMapper.get();
    }

    /**
     * The default mapper, made at its first use rather than by {@link Builder#build()}: Jackson's first ObjectMapper
     * is a noticeable part of a cold JVM's start (class loading), which {@link TaskQueue} spends on a thread of its own
     * while it opens the database, so a short-lived producer's first enqueue does not wait for both in turn. Any
     * thread may ask; the first one makes it.
     */
    private static final class DefaultMapper {
        private ObjectMapper mapper; // guarded by this

        synchronized ObjectMapper get() {
            if (mapper == null) {
                mapper = ArgsCodec.defaultMapper();
            }
            return mapper;
        }
    }

    public InstantSource clock() {
        return clock;
    }

    /** The {@link EnqueueInterceptor}s, in the order added (the first outermost); empty by default. */
    public List<EnqueueInterceptor> enqueueInterceptors() {
        return enqueueInterceptors;
    }

    /** How long finished attempts are kept ({@link Builder#history}); zero: none are. */
    public Duration history() {
        return history;
    }

    @Override
    public String toString() {
        if (dataSource != null) {
            return "QueueSettings[PostgreSQL" + (schema == null ? "" : " schema " + schema) + ", maxArgsBytes="
                    + maxArgsBytes + "]";
        }
        return "QueueSettings[database=" + databaseFile + ", synchronous=" + synchronous + ", busyTimeout="
                + busyTimeout + ", wakeupDirectory=" + (wakeupDirectory == null ? "default" : wakeupDirectory)
                + ", maxArgsBytes=" + maxArgsBytes + "]";
    }

    /** Builds {@link QueueSettings}; each setter validates its value and names the setting when it refuses one. */
    public static final class Builder {
        private final Path databaseFile;
        private final DataSource dataSource;
        private String schema;
        private Synchronous synchronous = Synchronous.NORMAL;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private Path wakeupDirectory;
        private int maxArgsBytes = DEFAULT_MAX_ARGS_BYTES;
        private ObjectMapper objectMapper;
        private InstantSource clock = InstantSource.system();
        private final List<EnqueueInterceptor> enqueueInterceptors = new ArrayList<>();
        private Duration history = DEFAULT_HISTORY;

        private Builder(Path databaseFile, DataSource dataSource) {
            this.dataSource = dataSource;
            this.databaseFile = databaseFile == null ? null : databaseFile.toAbsolutePath().normalize();
            if (databaseFile != null && this.databaseFile.getFileName() == null) {
                throw new IllegalArgumentException("databaseFile must name a file, was " + databaseFile);
            }
        }

        private void sqliteOnly(String setting) {
            if (dataSource != null) {
                throw new IllegalArgumentException(setting + " applies to SQLite only; this is a PostgreSQL queue");
            }
        }

        /**
         * PostgreSQL only: the schema of the queue's tables, created by the migration when missing. Lower-case
         * letters, digits and underscores. Defaults to the connections' current schema (usually {@code public}).
         */
        public Builder schema(String schema) {
            if (dataSource == null) {
                throw new IllegalArgumentException("schema applies to PostgreSQL only; this is a SQLite queue");
            }
            if (schema == null || !SCHEMA.matcher(schema).matches()) {
                throw new IllegalArgumentException("schema must match [a-z_][a-z0-9_]{0,62}, was " + schema);
            }
            this.schema = schema;
            return this;
        }

        /** SQLite's {@code PRAGMA synchronous}. Defaults to {@link Synchronous#NORMAL}. */
        public Builder synchronous(Synchronous synchronous) {
            sqliteOnly("synchronous");
            this.synchronous = Objects.requireNonNull(synchronous, "synchronous");
            return this;
        }

        /**
         * How long a statement waits for another process's write lock before failing with SQLITE_BUSY. Must be
         * between 0 and 10 minutes; defaults to 5 s.
         */
        public Builder busyTimeout(Duration busyTimeout) {
            sqliteOnly("busyTimeout");
            Objects.requireNonNull(busyTimeout, "busyTimeout");
            if (busyTimeout.isNegative() || busyTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("busyTimeout must be between 0 and 10 minutes, was " + busyTimeout);
            }
            this.busyTimeout = busyTimeout;
            return this;
        }

        /**
         * The directory through which producers in other processes wake the foreman.
         * Created owner-only when missing; refused when it is a symlink, not owned by this user, or writable by
         * others. Producer and foreman must use the same one. Defaults to {@code <databaseFile>-wakeup} next to the
         * database file's real path, once the queue has created the file: a producer and a foreman reaching it by
         * different paths (a symlink) share the default one. A directory set here is used as given.
         */
        public Builder wakeupDirectory(Path wakeupDirectory) {
            sqliteOnly("wakeupDirectory");
            this.wakeupDirectory = Objects.requireNonNull(wakeupDirectory, "wakeupDirectory").toAbsolutePath()
                    .normalize();
            return this;
        }

        /** Largest args JSON accepted by enqueue, in UTF-8 bytes; 1 to 64 MiB, defaults to 1 MiB. */
        public Builder maxArgsBytes(int maxArgsBytes) {
            if (maxArgsBytes < 1 || maxArgsBytes > 64 << 20) {
                throw new IllegalArgumentException("maxArgsBytes must be between 1 and 67108864, was " + maxArgsBytes);
            }
            this.maxArgsBytes = maxArgsBytes;
            return this;
        }

        /**
         * The Jackson mapper for args. The default decides how args may change while tasks are queued (a rolling
         * deploy):
         * <ul>
         * <li>a field in the JSON that the args type lacks is <em>ignored</em>: a producer may write a new field
         * before the foremen know it, and a field removed from the type still decodes from older rows;
         * <li>a field of the args type (a record component, a creator property) that the JSON lacks, or a JSON
         * {@code null} for a primitive, makes the args <em>undecodable</em>: the task is kept in the failed-tasks
         * table with the reason ({@code Missing creator property 'id'}), never run with a zero or a null the
         * producer did not write ({@code DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES} and
         * {@code FAIL_ON_NULL_FOR_PRIMITIVES}).
         * </ul>
         * So: to remove a field, stop reading it, then drop it; to add or rename one, give the new shape a new task
         * name and keep the old name's handler until {@link QueueStats#pendingByName()} shows none of it queued (a
         * foreman leaves names it has no handler for queued for those that have one). A mapper set here replaces
         * these rules with its own.
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * The clock for due times (when a task may run, retry backoffs, recurring ticks), created/failed times and
         * ages: every process of one queue should use the system clock, kept in step by NTP (a host ahead by δ runs
         * tasks up to δ early). Defaults to the system clock; tests set their own
         * ({@code dev.dbmq.testing.SettableClock}).
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Adds code to run around every enqueue, on the producer's thread, which may store metadata with the tasks:
         * tracing (queue-opentelemetry), a request id. Interceptors run in the order added, the first outermost;
         * none can change whether or what an enqueue writes (see {@link EnqueueInterceptor}). Defaults to none.
         */
        public Builder enqueueInterceptor(EnqueueInterceptor interceptor) {
            enqueueInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * How long each finished attempt is kept in the history ({@link TaskQueue#history}): its outcome, attempt,
         * enqueue, start and end, and a failure's exception; {@link Duration#ZERO} keeps none. Foremen write it with
         * their counts, about once a second, one multi-row insert (a crash loses that second's entries, never a task),
         * and delete what is older in batches of at most a thousand rows, each its own short transaction, so pruning
         * never holds the lock a claim needs for long. Done/failed counts per minute are kept for a day whatever this
         * is. Between 0 and 366 days; defaults to {@link #DEFAULT_HISTORY one day}.
         */
        public Builder history(Duration retention) {
            Objects.requireNonNull(retention, "history");
            if (retention.isNegative() || retention.compareTo(MAX_HISTORY) > 0) {
                throw new IllegalArgumentException("history must be between 0 and 366 days, was " + retention);
            }
            this.history = retention;
            return this;
        }

        public QueueSettings build() {
            return new QueueSettings(this);
        }
    }
}
