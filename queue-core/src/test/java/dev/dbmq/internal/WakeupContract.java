package dev.dbmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The backend contract's area: wakeups across processes, a commit and {@code wakeOtherProcesses} reaching a listening
 * foreman.
 */
public interface WakeupContract extends BackendUnderTest {

    @Test
    default void a_wakeup_source_is_woken_when_another_backend_commits_and_wakes_other_processes() throws Exception {
        CountingTarget foreman = new CountingTarget();
        listening(backend(), foreman);
        Backend producer = closing(openSame());
        for (int round = 0; round < 3; round++) {
            int before = foreman.wakes();
            insert(producer, A, round, round);
            producer.wakeups().wakeOtherProcesses();
            foreman.awaitMoreThan(before, "round " + round + ": a commit and wakeOtherProcesses of another backend()");
        }
        assertEquals(3, pending(backend()));
    }

    @Test
    default void wakeOtherProcesses_without_a_wakeup_source_is_harmless() {
        Backend producer = backend();
        for (int i = 0; i < 3; i++) {
            insert(producer, A, i, i);
            producer.wakeups().wakeOtherProcesses();
        }
        assertEquals(3, pending(backend()));
    }
}
