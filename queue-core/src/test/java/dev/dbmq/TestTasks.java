package dev.dbmq;

/** Tasks shared by tests and {@link ChildMain}. */
public final class TestTasks {

    public record Echo(int n) {
    }

    public static final Task<Echo> ECHO = Task.of("echo", Echo.class);
    public static final Task<Echo> SLOW = Task.of("slow", Echo.class);
    public static final Task<Echo> BOOM = Task.of("boom", Echo.class);

    private TestTasks() {
    }
}
