package dev.dbmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.DbmqException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend contract's fixture: each test starts with a backend on a new, empty database ({@link #openFresh}), and
 * everything it opened is closed after it. Tests what belongs to no area: keys, descriptions, close. See
 * {@link BackendUnderTest} for the areas.
 */
public abstract class BackendContract implements BackendUnderTest {

    /** Everything a test opened, closed last-opened first in {@link #closeAll()}. */
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Backend backend;

    /** A backend on a new, empty database; the test closes it. */
    protected abstract Backend openFresh() throws Exception;

    @Override
    public Backend backend() {
        return backend;
    }

    // ---- set-up -----------------------------------------------------------------------------------------------

    @BeforeEach
    void openBackend() throws Exception {
        backend = closing(openFresh());
    }

    @AfterEach
    void closeAll() throws Exception {
        Exception first = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        toClose.clear();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public <T extends AutoCloseable> T closing(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    // ---- keys, descriptions, close ------------------------------------------------------------------------------

    @Test
    void key_is_equal_on_the_same_database_and_different_on_another() throws Exception {
        Backend same = closing(openSame());
        Backend other = closing(openOther());
        assertEquals(backend.key(), same.key());
        assertNotEquals(backend.key(), other.key());
    }

    @Test
    void descriptions_are_not_empty_and_describe_names_where_the_queue_is() {
        for (String d : List.of(backend.describe(), backend.wakeups().describe(), backend.describeOpened())) {
            assertFalse(d == null || d.isBlank(), "a description is empty");
        }
        assertTrue(backend.describe().contains(describedAs()), backend.describe() + " names " + describedAs());
        assertTrue(backend.describeOpened().contains(describedAs()),
                backend.describeOpened() + " names " + describedAs());
    }

    @Test
    void close_is_idempotent_and_the_database_refuses_use_after_it() {
        insert(backend, A, 1, 1);
        backend.close();
        backend.close();
        assertRefused(() -> backend.storage().database().autocommit(TaskStore::pending));
        assertRefused(() -> backend.storage().database().transaction(TaskStore::pending));
        assertRefused(() -> backend.storage().database().transactionBy(System.nanoTime() + 1_000_000_000L,
                TaskStore::pending));
        assertRefused(() -> insert(backend, A, 2, 2));
    }

    private static void assertRefused(Runnable use) {
        RuntimeException e = assertThrows(RuntimeException.class, use::run);
        assertTrue(e instanceof IllegalStateException || e instanceof DbmqException, "refused with " + e);
    }
}
