package dev.dbmq;

/**
 * SQLite's {@code PRAGMA synchronous} for the queue database, in WAL mode.
 *
 * <p>{@link #NORMAL}: a committed enqueue survives a crash of the process, but the last transactions before a power
 * loss or OS crash may roll back. {@link #FULL}: they survive that too, at the cost of an fsync per commit (about 6x
 * slower enqueues on this project's test machine; see docs/performance.md).
 */
public enum Synchronous {
    NORMAL,
    FULL
}
