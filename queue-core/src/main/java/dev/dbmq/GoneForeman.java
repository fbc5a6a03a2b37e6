package dev.dbmq;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A foreman of this queue that is no longer alive, as {@link TaskQueue#goneForemen()} reads it: kept for a week
 * after it ended.
 *
 * @param id        its {@link Foreman#id()}
 * @param host      the host it ran on
 * @param pid       its process id there
 * @param startedAt when it started
 * @param workers   its worker count
 * @param handles   the task names it had handlers for
 * @param end       how it ended
 * @param endedAt   when it stopped or failed; empty when it died (its process killed, its host lost): nobody wrote it
 */
public record GoneForeman(String id, String host, long pid, Instant startedAt, int workers, List<String> handles,
                          End end, Optional<Instant> endedAt) {

    /** How a foreman ended. */
    public enum End {
        /** Stopped: {@link Foreman#close()}, or SIGTERM/SIGINT. */
        STOPPED,
        /** One of its threads died ({@link ForemanListener#foremanFailed}). */
        FAILED,
        /**
         * Its process died without stopping it (kill -9, out of memory, a lost host or connection): what it was
         * running was settled by the next foreman to look ({@code interrupted}, or run again at least once).
         */
        DIED
    }

    public GoneForeman {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(startedAt, "startedAt");
        handles = List.copyOf(handles);
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(endedAt, "endedAt");
    }
}
