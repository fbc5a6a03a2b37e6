package dev.dbmq;

import java.util.Set;

/** The checks {@link FailedFilter} and {@link PendingFilter} share, each naming the setting it refuses. */
final class FilterChecks {

    private FilterChecks() {
    }

    static String text(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty text, was "
                    + (value == null ? "null" : "\"\""));
        }
        return value;
    }

    static Set<Long> idSet(Set<Long> ids) {
        if (ids.isEmpty() || ids.size() > FailedFilter.MAX_IDS) {
            throw new IllegalArgumentException("ids must list 1 to " + FailedFilter.MAX_IDS + " ids, listed "
                    + ids.size());
        }
        return Set.copyOf(ids);
    }
}
