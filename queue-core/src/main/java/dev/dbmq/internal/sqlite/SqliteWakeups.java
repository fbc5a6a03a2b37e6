package dev.dbmq.internal.sqlite;

import dev.dbmq.internal.WakeTarget;
import dev.dbmq.internal.WakeupSource;
import dev.dbmq.internal.Wakeups;
import dev.dbmq.internal.WatchedThreads;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SQLite's wakeups across processes: a file per producer process in the wakeup directory, watched by the foreman. */
final class SqliteWakeups implements Wakeups {

    private static final Logger log = LoggerFactory.getLogger(SqliteWakeups.class);

    private final SqliteWakeupDirectory wakeupDirectory;

    SqliteWakeups(SqliteWakeupDirectory wakeupDirectory) {
        this.wakeupDirectory = wakeupDirectory;
    }

    @Override
    public String describe() {
        return "from " + wakeupDirectory.path();
    }

    /** A file in the wakeup directory, for a foreman in another process. */
    @Override
    public void wakeOtherProcesses() {
        wakeupDirectory.touch();
    }

    /** Clears wakeup files left from before (a foreman starting claims anyway), then watches the directory. */
    @Override
    public WakeupSource source(WakeTarget target, Duration recheck, String foremanId, int livenessKey,
                               WatchedThreads threads) {
        wakeupDirectory.prepare();
        int stale = wakeupDirectory.clear();
        if (stale > 0) {
            log.info("Foreman {}: cleared {} stale wakeup files from {}", foremanId, stale, wakeupDirectory.path());
        }
        return new SqliteWakeupWatcher(wakeupDirectory, target, recheck, foremanId, threads);
    }
}
