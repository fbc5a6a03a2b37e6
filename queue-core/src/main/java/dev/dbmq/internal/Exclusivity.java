package dev.dbmq.internal;

/**
 * What admits foremen on a database, taken for the life of one foreman: SQLite one per database (an OS file lock),
 * PostgreSQL any number (nothing to take).
 */
@FunctionalInterface
public interface Exclusivity {

    /** Any number of foremen may run: nothing to take. */
    Exclusivity ANY_NUMBER = holder -> Lease.NONE;

    /**
     * @param holder the foreman's identity, for the message a second one gets
     * @throws DbmqException when another foreman holds it (in this JVM or another process)
     */
    Lease acquire(String holder);

    /** Held for the life of one foreman; released by closing it. */
    interface Lease extends AutoCloseable {
        /** Nothing taken. */
        Lease NONE = () -> { };

        /** Releases it; idempotent. */
        @Override
        void close();
    }
}
