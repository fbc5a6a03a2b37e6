package dev.dbmq;

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
import java.util.Set;

/**
 * One foreman per SQLite database, enforced by an OS file lock next to it. The kernel drops the lock when the
 * process dies, however it dies, so there is no stale PID file to trip over on restart (snappea's Docker restart
 * loops). The file holds the owner's identity for humans; it is left in place on release, since deleting a lock file
 * races with the next locker.
 */
final class SqliteForemanLock implements Backend.Exclusivity {

    private final FileChannel channel;
    private final FileLock lock;

    private SqliteForemanLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static SqliteForemanLock acquire(Path lockFile, String database, String foremanId) {
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
            throw new DbmqException("a foreman is already running on " + database + " (" + lockFile
                    + " is locked by another process" + (holder.isEmpty() ? "" : ": " + holder)
                    + "); refusing to start a second one");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((foremanId + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            // only informational
        }
        return new SqliteForemanLock(channel, lock);
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

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
