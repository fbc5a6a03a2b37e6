package dev.dbmq;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A live foreman of a queue, as {@link TaskQueue#foremen()} reads it from the database: from any process, not only
 * the foreman's own.
 *
 * @param id        {@link Foreman#id()}: host, process id and a random part, as its log lines name it
 * @param host      the host it runs on
 * @param pid       its process id
 * @param startedAt when it started, by its queue's clock
 * @param workers   its worker threads ({@link Foreman.Builder#workers})
 * @param busy      its attempts running, as its records in {@code dbmq_running} say (one that succeeded less than about
 *                  a second ago may still count)
 * @param handles   the task names it has handlers for
 * @param state     {@link Foreman.State#RUNNING}, or {@link Foreman.State#FAILED} when a thread of it died but its
 *                  process lives on (it claims no more: close it and start a new one)
 */
public record ForemanInfo(String id, String host, long pid, Instant startedAt, int workers, int busy,
                          List<String> handles, Foreman.State state) {

    public ForemanInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(startedAt, "startedAt");
        handles = List.copyOf(handles);
        Objects.requireNonNull(state, "state");
    }
}
