package dev.dbmq.internal.sqlite;

import dev.dbmq.DbmqException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory through which producers in other processes wake the foreman.
 *
 * <p>Protocol, and why no wakeup is lost: a producer commits its task, then creates its own file here
 * ({@code p<pid>}), or finds it already there. The foreman, on seeing a file, unlinks it first and claims after. So
 * a producer that finds its file present knows the foreman has yet to unlink it, and will claim after this commit.
 * One file per producing process also coalesces a burst of enqueues into a handful of events.
 *
 * <p>Safety (snappea's /tmp reports): created owner-only; refused when it is a symlink, is not owned by this
 * process's user, or is writable by group or others. The foreman unlinks only plain names inside it.
 */
final class SqliteWakeupDirectory {

    private static final Logger log = LoggerFactory.getLogger(SqliteWakeupDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final Path producerFile;
    private volatile long lastTouchWarning;

    SqliteWakeupDirectory(Path dir) {
        this.dir = dir;
        this.producerFile = dir.resolve("p" + ProcessHandle.current().pid());
    }

    Path path() {
        return dir;
    }

    /** Creates the directory owner-only, or checks an existing one; throws when it is not safe to use. */
    void prepare() {
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            // checked below
        } catch (UnsupportedOperationException e) {
            throw new DbmqException("wakeupDirectory " + dir + " is not on a POSIX file system");
        } catch (IOException e) {
            throw new DbmqException("cannot create wakeupDirectory " + dir + ": " + e, e);
        }
        check();
    }

    private void check() {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new DbmqException("cannot read wakeupDirectory " + dir + ": " + e, e);
        }
        if (attrs.isSymbolicLink()) {
            throw new DbmqException("wakeupDirectory " + dir + " is a symlink; refusing it (another user could"
                    + " point it anywhere)");
        }
        if (!attrs.isDirectory()) {
            throw new DbmqException("wakeupDirectory " + dir + " exists and is not a directory");
        }
        if (!ownedByThisUser(dir)) {
            throw new DbmqException("wakeupDirectory " + dir + " is owned by " + attrs.owner().getName()
                    + ", not by this process's user; refusing it");
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new DbmqException("wakeupDirectory " + dir + " is writable by others ("
                    + PosixFilePermissions.toString(perms) + "); make it owner-only (chmod 700) or remove it");
        }
    }

    private static boolean ownedByThisUser(Path dir) {
        try {
            // /proc/self belongs to the process's effective uid: a fact, unlike the user.name property
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return self.equals(owner);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            try {
                return Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName()
                        .equals(System.getProperty("user.name"));
            } catch (IOException e2) {
                return false;
            }
        }
    }

    /**
     * A producer's wakeup: creates this process's file unless it is there already. Never throws: the task is
     * committed by now, and if the file can't be made the foreman's backstop poll still finds the task.
     */
    void touch() {
        if (Files.exists(producerFile)) {
            // coalesced, as below; a stat costs a fraction of the exception createFile throws, and in a burst of
            // enqueues the file is there nearly every time
            return;
        }
        try {
            Files.createFile(producerFile);
        } catch (FileAlreadyExistsException e) {
            // coalesced: the foreman has not unlinked it yet, so it claims after our commit
        } catch (IOException | RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastTouchWarning > 60_000_000_000L) { // at most once a minute
                lastTouchWarning = now;
                log.warn("Cannot write a wakeup file in {} ({}); a foreman elsewhere will find the task at its next"
                        + " poll instead", dir, e.toString());
            }
        }
    }

    /** Unlinks one file named by a watch event; only a plain name directly inside this directory. */
    void unlink(Path name) {
        if (name == null || name.getNameCount() != 1 || name.isAbsolute()
                || name.toString().equals("..") || name.toString().equals(".")) {
            return;
        }
        Path file = dir.resolve(name);
        try {
            if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(file); // removes a symlink itself, never its target
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            log.debug("Cannot unlink wakeup file {}: {}", file, e.toString());
        }
    }

    /** Unlinks every file in the directory (start-up, or after lost watch events); returns how many. */
    int clear() {
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                unlink(entry.getFileName());
                n++;
            }
        } catch (IOException e) {
            log.debug("Cannot list wakeup directory {}: {}", dir, e.toString());
        }
        return n;
    }
}
