package dev.dbmq;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the wakeup directory (inotify, through Java's WatchService) and wakes the foreman for each burst of
 * files, unlinking them first (see {@link WakeupDirectory} for why that order loses nothing).
 *
 * <p>Never blocks without a timeout (snappea issue #492: a foreman asleep in an inotify read while work piled up):
 * every {@code recheck} it lists the directory, and files found without an event are treated as missed events. An
 * OVERFLOW clears the directory and wakes; a lost watch (directory deleted) is re-created and re-registered.
 *
 * <p>Threads: its own thread, "dbmq-wakeup", owns the WatchService and the key; {@link #close()} may be called from
 * any thread.
 */
final class WakeupWatcher implements WakeupSource {

    private static final Logger log = LoggerFactory.getLogger(WakeupWatcher.class);

    private final WakeupDirectory dir;
    private final WakeTarget target;
    private final long recheckMillis;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean running = true;

    WakeupWatcher(WakeupDirectory dir, WakeTarget target, Duration recheck, String foremanId) {
        this.dir = dir;
        this.target = target;
        this.recheckMillis = Math.max(1, recheck.toMillis());
        try {
            this.watchService = FileSystems.getDefault().newWatchService();
            register();
        } catch (IOException e) {
            throw new DbmqException("cannot watch wakeupDirectory " + dir.path() + ": " + e, e);
        }
        this.thread = new Thread(this::run, "dbmq-wakeup-" + foremanId);
        thread.setDaemon(true);
    }

    private void register() throws IOException {
        dir.path().register(watchService, StandardWatchEventKinds.ENTRY_CREATE);
    }

    @Override
    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                WatchKey key = watchService.poll(recheckMillis, TimeUnit.MILLISECONDS);
                if (key == null) {
                    if (dir.clear() > 0) { // files without events: events were lost
                        target.wake();
                    }
                    continue;
                }
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        log.debug("Wakeup events overflowed; clearing {}", dir.path());
                        dir.clear();
                    } else {
                        dir.unlink((Path) event.context());
                    }
                }
                target.wake();
                if (!key.reset()) {
                    rewatch();
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return; // closing
            } catch (Throwable t) {
                log.error("Wakeup watcher error; will keep running", t);
            }
        }
    }

    /** The watch was lost (directory deleted or moved): re-create it and watch again, with backoff. */
    private void rewatch() throws InterruptedException {
        long backoff = 100;
        while (running) {
            try {
                log.warn("Wakeup directory {} is gone; re-creating it", dir.path());
                dir.prepare();
                register();
                target.wake(); // events may have been missed meanwhile
                return;
            } catch (IOException | RuntimeException e) {
                log.error("Cannot watch wakeup directory {} ({}); retrying in {} ms", dir.path(), e, backoff);
                Thread.sleep(backoff); // production backoff between retries; close() interrupts it
                backoff = Math.min(backoff * 2, recheckMillis);
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
