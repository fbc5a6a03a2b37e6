package dev.dbmq.internal;

/**
 * Keeps jOOQ's banner and "tip of the day" (18 INFO lines) out of the application's log, and its INFO line about the
 * database's version ("Version : Database version is supported by dialect…", or "…cannot be read" on SQLite), which
 * says nothing about dbmq's own statements (they are tested on the versions dbmq supports). jOOQ 3.19 reads
 * {@code org.jooq.no-logo} and {@code org.jooq.no-tips} once, in {@code DefaultRenderContext}'s static initializer,
 * i.e. when the JVM renders its first SQL statement; so they are set before a queue runs any. The version line's
 * logger takes its threshold from {@code org.jooq.log.<logger>} at each use: set to WARN, so jOOQ still warns of a
 * version it does not support. A value the application set (even "false") is left alone. Side effect, by necessity
 * (jOOQ has no per-context switch): an application's own jOOQ statements lose these lines too.
 */
public final class JooqBanner {

    private JooqBanner() {
    }

    public static void suppress() {
        setUnlessSet("org.jooq.no-logo", "true");
        setUnlessSet("org.jooq.no-tips", "true");
        setUnlessSet("org.jooq.log.org.jooq.impl.DefaultExecuteContext.logVersionSupport", "WARN");
    }

    private static void setUnlessSet(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
