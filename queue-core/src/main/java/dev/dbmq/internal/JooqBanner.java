package dev.dbmq.internal;

/**
 * Keeps jOOQ's banner and "tip of the day" (18 INFO lines) out of the application's log. jOOQ 3.19 reads
 * {@code org.jooq.no-logo} and {@code org.jooq.no-tips} once, in {@code DefaultRenderContext}'s static initializer,
 * i.e. when the JVM renders its first SQL statement; so they are set before a queue runs any. A value the application
 * set (even "false") is left alone. Side effect, by necessity (jOOQ has no per-context switch): an application that
 * renders its own first jOOQ statement after this won't see the banner either.
 */
public final class JooqBanner {

    private JooqBanner() {
    }

    public static void suppress() {
        for (String property : new String[] {"org.jooq.no-logo", "org.jooq.no-tips"}) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "true");
            }
        }
    }
}
