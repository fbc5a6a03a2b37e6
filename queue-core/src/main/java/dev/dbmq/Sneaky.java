package dev.dbmq;

/**
 * Rethrows a Throwable caught from a chain of user code as it was, unwrapped: the caller of an enqueue or a handler's
 * outcome must see the original exception, which is unchecked (a write) or declared by {@code throws Exception}.
 */
final class Sneaky {

    private Sneaky() {
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T rethrow(Throwable t) throws T {
        throw (T) t;
    }
}
