package dev.dbmq;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Thrown by a handler to say that its task's failure is permanent: trying again can't help (a malformed address, a
 * record that no longer exists). The task is kept in the failed-tasks table at once, with this exception's message as
 * the reason, whatever attempts its {@link Retry} has left; {@link ForemanListener#taskFailed} is told, with
 * {@link TaskEvent.Failed#retriesLeft()} true when attempts were left. It is logged at WARN without a stack trace,
 * unless it has a cause.
 *
 * <pre>{@code
 * .handle(SEND_MAIL, mail -> {
 *     if (!mail.to().contains("@")) {
 *         throw new NonRetryableException("no address in " + mail.to());
 *     }
 *     smtp.send(mail);   // an IOException here is retried as the task's Retry says
 * })
 * }</pre>
 *
 * <p>It counts wherever it is in the chain of causes of what the handler threw, as frameworks and interceptors wrap
 * exceptions ({@code CompletionException}, {@code UndeclaredThrowableException},
 * {@code InvocationTargetException}, …).
 */
public class NonRetryableException extends RuntimeException {

    /** Causes looked at, at most: a chain longer than this is not a chain anyone wrote on purpose. */
    static final int MAX_DEPTH = 100;

    /** @param message why the task can't succeed; stored with the failed task */
    public NonRetryableException(String message) {
        super(message);
    }

    /**
     * @param message why the task can't succeed; stored with the failed task
     * @param cause   what showed it, logged with its stack trace
     */
    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The first NonRetryableException in {@code error} and its causes, or null. Never throws: a cycle of causes, or a
     * {@code getCause()} that throws (user code), ends the look.
     */
    static NonRetryableException in(Throwable error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable t = error;
        try {
            while (t != null && seen.size() < MAX_DEPTH && seen.put(t, Boolean.TRUE) == null) {
                if (t instanceof NonRetryableException n) {
                    return n;
                }
                t = t.getCause();
            }
        } catch (Throwable ignored) {
            // a getCause() override that threw: what was seen so far held none
        }
        return null;
    }
}
