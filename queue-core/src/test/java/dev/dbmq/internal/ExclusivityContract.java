package dev.dbmq.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.DbmqException;
import org.junit.jupiter.api.Test;

/**
 * The backend contract's area: exclusivity, one foreman per database or several, as the backend says; released by
 * closing.
 */
public interface ExclusivityContract extends BackendUnderTest {

    @Test
    default void exclusivity_admits_one_foreman_or_several_as_the_backend_says() throws Exception {
        Backend second = closing(openSame());
        Exclusivity.Lease first = backend().exclusivity().acquire("contract-foreman-1");
        try {
            if (admitsSeveralForemen()) {
                second.exclusivity().acquire("contract-foreman-2").close();
                backend().exclusivity().acquire("contract-foreman-3").close();
            } else {
                DbmqException refused = assertThrows(DbmqException.class,
                        () -> second.exclusivity().acquire("contract-foreman-2"));
                String message = String.valueOf(refused.getMessage());
                assertTrue(message.contains("contract-foreman-1") || message.contains("a foreman is already running"),
                        "the refusal names the holder or says a foreman is running: " + message);
                assertThrows(DbmqException.class, () -> backend().exclusivity().acquire("contract-foreman-3"),
                        "a second foreman through the same backend()");
            }
        } finally {
            first.close();
            first.close(); // idempotent
        }
        Exclusivity.Lease next = second.exclusivity().acquire("contract-foreman-2");
        next.close();
        next.close();
        backend().exclusivity().acquire("contract-foreman-4").close();
    }
}
