package dev.dbmq.spring;

import dev.dbmq.Synchronous;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code dbmq.*} settings. Each is passed to the core's builders, which check it when the context starts; a value
 * they refuse fails the start with the property's name. Defaults are the core's, written out so the configuration
 * metadata (IDE completion) shows them; DbmqPropertiesTest keeps them equal.
 */
@ConfigurationProperties("dbmq")
public class DbmqProperties {

    /** Where the queue lives. */
    public enum Backend {
        /** An embedded SQLite file ({@code dbmq.sqlite.*}): no setup, one foreman per file. */
        SQLITE,
        /** The application's PostgreSQL {@code DataSource} ({@code dbmq.postgres.*}): foremen on many hosts. */
        POSTGRES
    }

    /** Where the queue lives: an embedded SQLite file, or the application's PostgreSQL DataSource. */
    private Backend backend = Backend.SQLITE;

    /** Largest args JSON accepted by enqueue, in UTF-8 bytes (1 to 64 MiB). */
    private int maxArgsBytes = 1048576;

    /** How long each finished attempt is kept in the history (0 to 366 days; 0: none). */
    private Duration history = Duration.ofDays(1);

    private final Dashboard dashboard = new Dashboard();

    private final Sqlite sqlite = new Sqlite();

    private final Postgres postgres = new Postgres();

    private final ForemanSettings foreman = new ForemanSettings();

    private final Health health = new Health();

    private final Tracing tracing = new Tracing();

    public Backend getBackend() {
        return backend;
    }

    public void setBackend(Backend backend) {
        this.backend = backend;
    }

    public int getMaxArgsBytes() {
        return maxArgsBytes;
    }

    public void setMaxArgsBytes(int maxArgsBytes) {
        this.maxArgsBytes = maxArgsBytes;
    }

    public Duration getHistory() {
        return history;
    }

    public void setHistory(Duration history) {
        this.history = history;
    }

    public Dashboard getDashboard() {
        return dashboard;
    }

    public Sqlite getSqlite() {
        return sqlite;
    }

    public Postgres getPostgres() {
        return postgres;
    }

    public ForemanSettings getForeman() {
        return foreman;
    }

    public Tracing getTracing() {
        return tracing;
    }

    public Health getHealth() {
        return health;
    }

    /** {@code dbmq.dashboard.*}: the operator console, a servlet of the application's web server. */
    public static class Dashboard {

        /** Serve the console (needs queue-dashboard, which the starter brings, and a servlet web application). */
        private boolean enabled = false;

        /** Where the console is mounted: pages under it, its JSON API under path/api/. */
        private String path = "/dbmq";

        /** What every caller may do when the context has no DashboardAccess bean: READ_ONLY or FULL. */
        private AccessLevel access = AccessLevel.READ_ONLY;

        /** The access levels a property can name; a DashboardAccess bean decides per request instead. */
        public enum AccessLevel {
            /** See everything but args; change nothing. */
            READ_ONLY,
            /** See args; requeue, delete and cancel. */
            FULL
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public AccessLevel getAccess() {
            return access;
        }

        public void setAccess(AccessLevel access) {
            this.access = access;
        }
    }

    /** {@code dbmq.sqlite.*}: the embedded queue. */
    public static class Sqlite {

        /** The queue's database file, created owner-only when missing; relative to the working directory. */
        private String path = "dbmq.db";

        /** SQLite's PRAGMA synchronous: NORMAL survives a process crash, FULL also a power loss (an fsync per commit). */
        private Synchronous synchronous = Synchronous.NORMAL;

        /** How long a statement waits for another process's write lock (0 to 10 minutes). */
        private Duration busyTimeout = Duration.ofSeconds(5);

        /** The directory through which producers in other processes wake the foreman; defaults to <path>-wakeup. */
        private String wakeupDirectory;

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public Synchronous getSynchronous() {
            return synchronous;
        }

        public void setSynchronous(Synchronous synchronous) {
            this.synchronous = synchronous;
        }

        public Duration getBusyTimeout() {
            return busyTimeout;
        }

        public void setBusyTimeout(Duration busyTimeout) {
            this.busyTimeout = busyTimeout;
        }

        public String getWakeupDirectory() {
            return wakeupDirectory;
        }

        public void setWakeupDirectory(String wakeupDirectory) {
            this.wakeupDirectory = wakeupDirectory;
        }
    }

    /** {@code dbmq.postgres.*}: the queue on the application's DataSource. */
    public static class Postgres {

        /** The schema of the queue's tables, created when missing; defaults to the connections' current schema. */
        private String schema;

        public String getSchema() {
            return schema;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }
    }

    /** {@code dbmq.foreman.*}: the foreman the application context starts and stops. */
    public static class ForemanSettings {

        /** Whether this application runs tasks; false for a node that only enqueues. */
        private boolean enabled = true;

        /** Worker threads of the default lane: handlers running at once (1 to 1024). */
        private int workers = 4;

        /**
         * Lanes other than the default and their worker threads (1 to 1024 each), e.g. {@code dbmq.foreman.lanes.bulk=2}:
         * the tasks of a lane (Task.lane) run on its workers only, so they never wait for another lane's.
         */
        private java.util.Map<String, Integer> lanes = new java.util.LinkedHashMap<>();

        /** Most tasks claimed by one statement (1 to 10000); claims are further limited to free workers. */
        private int batchSize = 100;

        /** How long the context's stop lets running handlers finish before interrupting them (0 to 1 hour). */
        private Duration gracefulTimeout = Duration.ofSeconds(10);

        /** How often an idle foreman looks at the queue when nobody wakes it: a backstop (10 ms to 1 hour). */
        private Duration pollInterval = Duration.ofSeconds(1);

        /** On stop, keep claiming until the queue is empty, all within the graceful timeout. */
        private boolean drainOnStop = false;

        /** How old a task no handler here knows may get before it is kept as failed (0 to 365 days). */
        private Duration unhandledTimeout = Duration.ofDays(14);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getWorkers() {
            return workers;
        }

        public void setWorkers(int workers) {
            this.workers = workers;
        }

        public java.util.Map<String, Integer> getLanes() {
            return lanes;
        }

        public void setLanes(java.util.Map<String, Integer> lanes) {
            this.lanes = lanes;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getGracefulTimeout() {
            return gracefulTimeout;
        }

        public void setGracefulTimeout(Duration gracefulTimeout) {
            this.gracefulTimeout = gracefulTimeout;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public boolean isDrainOnStop() {
            return drainOnStop;
        }

        public void setDrainOnStop(boolean drainOnStop) {
            this.drainOnStop = drainOnStop;
        }

        public Duration getUnhandledTimeout() {
            return unhandledTimeout;
        }

        public void setUnhandledTimeout(Duration unhandledTimeout) {
            this.unhandledTimeout = unhandledTimeout;
        }
    }

    /**
     * {@code dbmq.health.*}: the Actuator health indicator, {@code dbmq}, DOWN when the queue's database can't be read
     * or this node's foreman has failed.
     */
    public static class Health {

        /**
         * Opt-in backlog rule: on a node that runs a foreman, DOWN when the most overdue due task has waited longer
         * than this since its due time (on a node that only enqueues, a note in the details). Unset: a backlog never
         * makes the node DOWN; it shows in the details and in the metrics.
         */
        private Duration maxOldestAge;

        public Duration getMaxOldestAge() {
            return maxOldestAge;
        }

        public void setMaxOldestAge(Duration maxOldestAge) {
            this.maxOldestAge = maxOldestAge;
        }
    }

    /** {@code dbmq.tracing.*}: OpenTelemetry tracing, when the application has an {@code OpenTelemetry} bean. */
    public static class Tracing {

        /** A producer span per enqueue and the handler's span as its child (queue-opentelemetry). */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
