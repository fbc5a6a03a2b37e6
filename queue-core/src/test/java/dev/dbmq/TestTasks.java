package dev.dbmq;

/** Tasks shared by tests and {@link ChildMain}. */
public final class TestTasks {

    public record Echo(int n) {
    }

    public static final Task<Echo> ECHO = Task.of("echo", Echo.class);
    public static final Task<Echo> SLOW = Task.of("slow", Echo.class);
    public static final Task<Echo> BOOM = Task.of("boom", Echo.class);
    /** As SLOW, at least once: runs again if its foreman dies while it runs (3 attempts). */
    public static final Task<Echo> SLOW_AGAIN = Task.of("slow-again", Echo.class)
            .delivery(Delivery.AT_LEAST_ONCE).retry(Retry.fixed(java.time.Duration.ofMillis(1), 3));

    private TestTasks() {
    }
}
