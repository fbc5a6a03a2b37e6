package dev.dbmq.internal.sqlite;

import dev.dbmq.DbmqException;
import dev.dbmq.internal.Exclusivity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One foreman per SQLite database, enforced by an OS file lock next to it. The kernel drops the lock when the
 * process dies, however it dies, so there is no stale PID file to trip over on restart (snappea's Docker restart
 * loops). The file holds the owner's identity for humans; it is left in place on release, since deleting a lock file
 * races with the next locker.
 *
 * <p>A second foreman of this JVM is refused before it opens the lock file: on POSIX, closing any descriptor of a
 * file drops every lock the process holds on it, so opening, failing to lock and closing would silently release the
 * first foreman's lock, and a foreman in another process could then start beside it.
 *
 * <p>The lock also says which foreman is alive ({@link #liveHolder}), for {@code TaskQueue.foremen()} from any
 * process: held means its holder, named in the file, runs. Probing takes a shared lock for a moment, which a foreman
 * starting in another process at that moment meets: {@link #acquire} tries again for {@link #START_RETRY_MILLIS}
 * before it refuses. Acquiring and probing in this JVM take turns ({@code JVM_WIDE}), so a probe never closes a
 * descriptor of a file this JVM has just locked.
 */
final class SqliteForemanLock implements Exclusivity.Lease {

    /**
     * Lock files held in this JVM, by path (a real path: SqliteBackend names it after the database's), with their
     * holder's id: known here, never read back from the file, since reading it would open and close a descriptor of
     * it, and closing any descriptor drops the process's locks on the file.
     */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();
    /** Acquiring and probing take turns in this JVM (see the class comment). */
    private static final Object JVM_WIDE = new Object();
    /** How long a start tries again when the lock is taken: a probe holds it for microseconds, a foreman for good. */
    static final long START_RETRY_MILLIS = 1_000;

    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SqliteForemanLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    static SqliteForemanLock acquire(Path lockFile, String database, String foremanId) {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(START_RETRY_MILLIS);
        while (true) {
            try {
                return acquireOnce(lockFile, database, foremanId);
            } catch (TakenByAnotherProcess e) {
                if (System.nanoTime() - until >= 0) {
                    throw e;
                }
            }
            try {
                Thread.sleep(10); // a probe lets go within microseconds; a running foreman never does
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new DbmqException("interrupted while taking the foreman lock on " + database);
            }
        }
    }

    /**
     * The id of the foreman holding the lock (as it wrote it in the file), or null when none holds it: no foreman
     * runs on the database. Never throws; a lock file that can't be read or probed counts as not held.
     */
    static String liveHolder(Path lockFile) {
        synchronized (JVM_WIDE) {
            String ours = HELD.get(lockFile);
            if (ours != null) {
                return ours;
            }
            if (!java.nio.file.Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            try (FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS))) {
                FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
                if (probe == null) {
                    return readHolder(lockFile);
                }
                probe.release();
                return null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** The lock is held by another process (a foreman, or for a moment a probe). */
    private static final class TakenByAnotherProcess extends DbmqException {
        TakenByAnotherProcess(String message) {
            super(message);
        }
    }

    private static SqliteForemanLock acquireOnce(Path lockFile, String database, String foremanId) {
        synchronized (JVM_WIDE) {
            return acquireHeld(lockFile, database, foremanId);
        }
    }

    private static SqliteForemanLock acquireHeld(Path lockFile, String database, String foremanId) {
        if (HELD.putIfAbsent(lockFile, foremanId) != null) {
            throw new DbmqException("a foreman is already running on " + database + " in this JVM; refusing to"
                    + " start a second one");
        }
        try {
            return lock(lockFile, database, foremanId);
        } catch (RuntimeException e) {
            HELD.remove(lockFile);
            throw e;
        }
    }

    private static SqliteForemanLock lock(Path lockFile, String database, String foremanId) {
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new DbmqException("cannot open the foreman lock " + lockFile + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DbmqException("a foreman is already running on " + database + " in this JVM; refusing to"
                    + " start a second one");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DbmqException("cannot lock " + lockFile + ": " + e, e);
        }
        if (lock == null) {
            String holder = readHolder(lockFile);
            closeQuietly(channel);
            throw new TakenByAnotherProcess("a foreman is already running on " + database + " (" + lockFile
                    + " is locked by another process" + (holder.isEmpty() ? "" : ": " + holder)
                    + "); refusing to start a second one");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((foremanId + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            // only informational
        }
        return new SqliteForemanLock(lockFile, channel, lock);
    }

    private static String readHolder(Path lockFile) {
        try {
            byte[] bytes = java.nio.file.Files.readAllBytes(lockFile);
            return new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Idempotent: a second close must not forget a lock another foreman of this JVM has taken since. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD.remove(lockFile); // last: a foreman of this JVM may lock it again once the channel is closed
    }
}
