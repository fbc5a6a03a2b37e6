package dev.dbmq.internal.sqlite;

import dev.dbmq.DbmqException;
import dev.dbmq.internal.WakeTarget;
import dev.dbmq.internal.WakeupSource;
import dev.dbmq.internal.WatchedThreads;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the wakeup directory (inotify, through Java's WatchService) and wakes the foreman for each burst of
 * files, unlinking them first (see {@link SqliteWakeupDirectory} for why that order loses nothing).
 *
 * <p>Never blocks without a timeout (snappea's foreman was once found asleep in an inotify read while work piled up):
 * after {@code recheck} without events it lists the directory, and files found without an event are treated as
 * missed events. An OVERFLOW clears the directory and wakes; a lost watch (directory deleted) is re-created and
 * re-registered.
 *
 * <p>A directory moved away is no loss to inotify, which goes on watching it where it went, while producers make
 * their files at the path. So every {@link #IDENTITY_CHECK} (or every {@code recheck}, when shorter), events or not,
 * the watcher checks that the path still names the directory it watches, and watches the path again when not. That
 * is one stat a second on this thread: producers pay nothing per enqueue, and a move delays cross-process wakeups by
 * about a second. Checking only every {@code recheck} would gain nothing: it is the backstop poll's interval.
 *
 * <p>Threads: its own thread, "dbmq-wakeup", owns the WatchService, the key and what it watches; {@link #close()}
 * may be called from any thread.
 */
final class SqliteWakeupWatcher implements WakeupSource {

    private static final Logger log = LoggerFactory.getLogger(SqliteWakeupWatcher.class);
    static final Duration IDENTITY_CHECK = Duration.ofSeconds(1);

    private final SqliteWakeupDirectory dir;
    private final WakeTarget target;
    private final long recheckMillis;
    private final long recheckNanos;
    private final long identityCheckNanos;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean running = true;
    // Owned by the watcher thread (and the constructor, before it starts).
    private WatchKey key;
    private Object watched; // the file key of the directory the key watches

    SqliteWakeupWatcher(SqliteWakeupDirectory dir, WakeTarget target, Duration recheck, String foremanId,
                  WatchedThreads threads) {
        this.dir = dir;
        this.target = target;
        this.recheckMillis = Math.max(1, recheck.toMillis());
        this.recheckNanos = TimeUnit.MILLISECONDS.toNanos(recheckMillis);
        this.identityCheckNanos = Math.min(recheckNanos, IDENTITY_CHECK.toNanos());
        try {
            this.watchService = FileSystems.getDefault().newWatchService();
            register();
        } catch (IOException e) {
            throw new DbmqException("cannot watch wakeupDirectory " + dir.path() + ": " + e, e);
        }
        this.thread = threads.newThread("wakeup", this::run,
                "tasks from other processes are found only by the backstop poll (pollInterval)");
    }

    private void register() throws IOException {
        // Identity first: should another directory take the path between the two calls, the next check sees a
        // mismatch and watches again; the other order could record the new directory while watching the old one.
        Object identity = identity();
        key = dir.path().register(watchService, StandardWatchEventKinds.ENTRY_CREATE);
        watched = identity;
    }

    /** The file key of whatever the path names now (not following a symlink); null when the OS has none. */
    private Object identity() throws IOException {
        return Files.readAttributes(dir.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** @return why the path no longer names the watched directory, or null when it still does */
    private String lostPath() {
        try {
            return Objects.equals(identity(), watched) ? null : "was replaced by another (moved away?)";
        } catch (NoSuchFileException e) {
            return "is gone (moved away?)";
        } catch (IOException e) {
            log.debug("Cannot stat wakeup directory {}: {}", dir.path(), e.toString());
            return null; // nothing to act on; the backstop poll still runs
        }
    }

    @Override
    public void start() {
        thread.start();
    }

    private void run() {
        long now = System.nanoTime();
        long nextListing = now + recheckNanos; // after recheck without events
        long nextIdentityCheck = now + identityCheckNanos; // events or not
        while (running) {
            try {
                long wait = Math.max(0, Math.min(nextListing, nextIdentityCheck) - System.nanoTime());
                WatchKey events = watchService.poll(wait, TimeUnit.NANOSECONDS);
                now = System.nanoTime();
                if (events != null) {
                    nextListing = now + recheckNanos;
                    for (WatchEvent<?> event : events.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            log.debug("Wakeup events overflowed; clearing {}", dir.path());
                            dir.clear();
                        } else {
                            dir.unlink((Path) event.context());
                        }
                    }
                    target.wake();
                    if (!events.reset() && events == key) {
                        rewatch("is gone");
                    }
                }
                if (now - nextIdentityCheck >= 0) {
                    nextIdentityCheck = now + identityCheckNanos;
                    String lost = lostPath();
                    if (lost != null) {
                        rewatch(lost);
                        continue;
                    }
                }
                if (now - nextListing >= 0) {
                    nextListing = now + recheckNanos;
                    if (dir.clear() > 0) { // files without events: events were lost
                        target.wake();
                    }
                }
            } catch (ClosedWatchServiceException e) {
                return; // closing (only close() closes it; should anything else, the thread's death is reported)
            } catch (InterruptedException e) {
                if (running) {
                    log.warn("Wakeup watcher interrupted without a stop request; ignored, will keep running");
                }
            } catch (Throwable t) {
                log.error("Wakeup watcher error; will keep running", t);
            }
        }
    }

    /**
     * The path no longer names the watched directory (deleted, or moved away and maybe replaced): re-create it if
     * needed and watch it, with backoff. Then clears it and wakes the foreman: producers may have made their files
     * there before the new watch, unseen, and a file left in place would turn each later wakeup of its producer into
     * a no-op.
     */
    private void rewatch(String why) throws InterruptedException {
        key.cancel(); // stop watching the old directory wherever it went (a no-op for a deleted one)
        log.warn("Wakeup directory {} {}; watching a directory at that path again", dir.path(), why);
        long backoff = 100;
        while (running) {
            try {
                dir.prepare();
                register();
                dir.clear();
                target.wake(); // events may have been missed meanwhile
                return;
            } catch (IOException | RuntimeException e) {
                log.error("Cannot watch wakeup directory {} ({}); retrying in {} ms", dir.path(), e, backoff);
                Thread.sleep(backoff); // production backoff between retries; close() interrupts it
                backoff = Math.min(backoff * 2, Math.min(recheckMillis, IDENTITY_CHECK.toMillis()));
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            watchService.close(); // ends a poll() in progress
        } catch (IOException e) {
            log.debug("Closing the watch service: {}", e.toString());
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
