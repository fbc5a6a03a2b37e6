package dev.dbmq;

import dev.dbmq.internal.WakeTarget;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The foremen running in this JVM, by database. A producer whose database has a foreman here wakes it with a direct
 * signal; only producers without one drop a file in the wakeup directory.
 */
final class LocalForemen {

    private static final ConcurrentHashMap<String, WakeTarget> BY_DATABASE = new ConcurrentHashMap<>();

    private LocalForemen() {
    }

    /** @return false when another foreman of this JVM is registered on the database */
    static boolean register(String databaseKey, WakeTarget target) {
        return BY_DATABASE.putIfAbsent(databaseKey, target) == null;
    }

    static void unregister(String databaseKey, WakeTarget target) {
        BY_DATABASE.remove(databaseKey, target);
    }

    static WakeTarget find(String databaseKey) {
        return BY_DATABASE.get(databaseKey);
    }
}
