package dev.dbmq.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbmq.Foreman.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health indicator's rule, as a table: DOWN only for a failed foreman, or an opted-in backlog on a worker. */
class DbmqHealthIndicatorTest {

    static final Duration LIMIT = Duration.ofMinutes(10);
    static final Duration OVER = LIMIT.plusMillis(1);
    static final Duration DAY = Duration.ofDays(1);

    /** A row: this node's foreman (false: dbmq.foreman.enabled=false), its state, the backlog, the rule; expected. */
    record Row(boolean foremanHere, State state, Duration oldest, Duration maxOldestAge, String expected) {
    }

    @Test
    void down_only_for_a_failed_foreman_or_an_opted_in_backlog_where_a_foreman_runs() {
        List<Row> table = List.of(
                // an enqueue-only node: never DOWN for a backlog; with the rule set, a note
                new Row(false, null, DAY, null, "UP"),
                new Row(false, null, DAY, LIMIT, "UP note"),
                new Row(false, null, LIMIT, LIMIT, "UP"),
                // a worker node, no backlog rule (the default)
                new Row(true, State.RUNNING, DAY, null, "UP"),
                new Row(true, null, DAY, null, "UP"), // not started yet
                new Row(true, State.STOPPING, Duration.ZERO, null, "UP"),
                new Row(true, State.STOPPED, Duration.ZERO, null, "UP"),
                new Row(true, State.FAILED, Duration.ZERO, null, "DOWN failed"),
                // a worker node with the backlog rule
                new Row(true, State.RUNNING, LIMIT, LIMIT, "UP"),
                new Row(true, State.RUNNING, OVER, LIMIT, "DOWN backlog"),
                new Row(true, State.STOPPED, OVER, LIMIT, "DOWN backlog"),
                new Row(true, State.FAILED, OVER, LIMIT, "DOWN failed"));
        List<String> wrong = new ArrayList<>();
        for (Row row : table) {
            DbmqHealthIndicator.Verdict v = DbmqHealthIndicator.judge(row.foremanHere(), row.state(), row.oldest(),
                    row.maxOldestAge());
            String got = (v.down() ? "DOWN" : "UP") + (v.reason() == null ? ""
                    : v.reason().contains("FAILED") ? " failed"
                    : v.down() ? " backlog" : " note");
            if (!got.equals(row.expected())) {
                wrong.add(row + " gave " + got + " (" + v.reason() + ")");
            }
        }
        assertEquals(List.of(), wrong);
    }
}
