package dev.dbmq;

/** Tasks shared by tests and {@link ChildMain}. */
final class TestTasks {

    record Echo(int n) {
    }

    static final Task<Echo> ECHO = Task.of("echo", Echo.class);
    static final Task<Echo> SLOW = Task.of("slow", Echo.class);
    static final Task<Echo> BOOM = Task.of("boom", Echo.class);

    private TestTasks() {
    }
}
