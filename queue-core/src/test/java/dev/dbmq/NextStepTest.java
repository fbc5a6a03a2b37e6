package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbmq.NextStep.Kind;
import dev.dbmq.NextStep.Step;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The foreman thread's decision as a table: what it sees, the time, what it does next. */
class NextStepTest {

    private static final long NOW = 1_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    /** Idle with nothing known: 4 workers free, nothing to flush, backstop in 1 s, unhandled check in 60 s. */
    private static final NextStep.View IDLE = new NextStep.View(false, NOW + S, false, false, false, false, false, 4,
            4, false, false, 0, 0, NOW + 60 * S, false, false, 0, S, false, Long.MAX_VALUE);

    static Stream<Arguments> table() {
        return Stream.of(
                // idle
                row("idle, nothing known: waits idle for the backstop poll", v -> v,
                        Step.await(Kind.WAIT_IDLE, S)),
                row("idle, counts to flush in 200 ms: waits for the flush", v -> v.untilFlush(200 * MS),
                        Step.await(Kind.WAIT_IDLE, 200 * MS)),
                row("idle, counts due: flushes", v -> v.untilFlush(0), Step.FLUSH_COUNTS),
                row("idle, the unhandled check in 10 ms: waits for it", v -> v.unhandledAt(NOW + 10 * MS),
                        Step.await(Kind.WAIT_IDLE, 10 * MS)),
                row("idle, due in 50 ms: waits until 3 ms before", v -> v.dueAt(NOW + 50 * MS),
                        Step.await(Kind.WAIT_IDLE, 47 * MS)),
                row("idle, due in 2 ms: waits a 0.1 ms slice", v -> v.dueAt(NOW + 2 * MS),
                        Step.await(Kind.WAIT_IDLE, DueTime.SLICE_NANOS)),
                row("the due time has come: claims", v -> v.dueAt(NOW),
                        Step.claim(Kind.CLAIM_DUE, 4)),
                row("the backstop poll is up: claims", v -> v.idleLeft(0), Step.claim(Kind.CLAIM_BACKSTOP, 4)),
                row("the backstop poll goes before failing flushes", v -> v.idleLeft(0).untilFlush(0),
                        Step.claim(Kind.CLAIM_BACKSTOP, 4)),
                // woken, or the last claim was full
                row("woken, every worker free: claims for all", v -> v.woken(), Step.claim(Kind.CLAIM, 4)),
                row("the last claim was full: claims again", v -> v.mayHaveMore(), Step.claim(Kind.CLAIM, 4)),
                row("woken, some workers busy: yields once first", v -> v.woken().free(2), Step.YIELD),
                row("woken, some workers busy, yielded: claims for the free ones",
                        v -> v.woken().free(2).yielded(), Step.claim(Kind.CLAIM, 2)),
                // busy
                row("all workers busy: waits, not idle, until the unhandled check",
                        v -> v.woken().free(0), Step.await(Kind.WAIT, 60 * S)),
                row("all workers busy, counts due: flushes", v -> v.free(0).untilFlush(0), Step.FLUSH_COUNTS),
                row("all workers busy, counts in 300 ms: waits for them", v -> v.free(0).untilFlush(300 * MS),
                        Step.await(Kind.WAIT, 300 * MS)),
                row("a claim under way: waits", v -> v.claiming().woken(), Step.await(Kind.WAIT, 60 * S)),
                row("a job waits to start and there may be more: its worker will claim",
                        v -> v.jobsWaiting().mayHaveMore(), Step.await(Kind.WAIT, 60 * S)),
                row("a job waits to start, nothing more known: idle as usual", v -> v.jobsWaiting(),
                        Step.await(Kind.WAIT_IDLE, S)),
                row("the unhandled check is due: it goes first, busy or idle",
                        v -> v.unhandledAt(NOW).free(0).mayHaveMore(), Step.CHECK_UNHANDLED),
                // tasks without a handler, overdue: kept as failed a batch at a time, due work first
                row("idle, overdue tasks without a handler: keeps a batch", v -> v.sweep(), Step.SWEEP),
                row("sweep pending, counts due: flushes first", v -> v.sweep().untilFlush(0), Step.FLUSH_COUNTS),
                row("sweep pending, the last claim was full: claims first", v -> v.sweep().mayHaveMore(),
                        Step.claim(Kind.CLAIM, 4)),
                row("sweep pending, woken: claims first", v -> v.sweep().woken().yielded().free(3),
                        Step.claim(Kind.CLAIM, 3)),
                row("sweep pending, the due time has come: claims first", v -> v.sweep().dueAt(NOW),
                        Step.claim(Kind.CLAIM_DUE, 4)),
                row("sweep pending, the backstop poll is up: claims first", v -> v.sweep().idleLeft(0),
                        Step.claim(Kind.CLAIM_BACKSTOP, 4)),
                row("sweep pending, all workers busy, nothing more known: keeps a batch meanwhile",
                        v -> v.sweep().free(0), Step.SWEEP),
                row("sweep pending, all workers busy, there may be more: waits (workers claim as they end)",
                        v -> v.sweep().free(0).mayHaveMore(), Step.await(Kind.WAIT, 60 * S)),
                row("sweep pending, a claim under way: waits", v -> v.sweep().claiming(),
                        Step.await(Kind.WAIT, 60 * S)),
                row("sweep pending, a stop: stops", v -> v.sweep().stop(), Step.STOP),
                // a worker's claim that was not full
                row("a worker's claim was not full: goes idle for it", v -> v.goIdle(123, 2),
                        Step.goIdle(123, 2)),
                row("a worker's not-full claim, another claim under way since: dropped",
                        v -> v.goIdle(123, 2).claiming(), Step.DROP_STALE_IDLE),
                row("a worker's not-full claim, a full claim since: dropped",
                        v -> v.goIdle(123, 2).mayHaveMore(), Step.DROP_STALE_IDLE),
                // stopping
                row("stop without drain: stops", v -> v.stop().mayHaveMore(), Step.STOP),
                row("stop goes before the unhandled check", v -> v.stop().unhandledAt(NOW), Step.STOP),
                row("stop while a worker claims: waits for the claim's end",
                        v -> v.stop().claiming(), Step.await(Kind.WAIT, NextStep.STOP_POLL_NANOS)),
                row("abandoned while claiming: stops", v -> v.stop().abandoned().claiming(), Step.STOP),
                row("stop with drain, nothing more known: stops", v -> v.stop().drain(), Step.STOP),
                row("stop with drain, there may be more: claims", v -> v.stop().drain().mayHaveMore(),
                        Step.claim(Kind.CLAIM, 4)),
                row("stop with drain, woken, some busy: claims at once, no yield",
                        v -> v.stop().drain().woken().free(1), Step.claim(Kind.CLAIM, 1)),
                row("stop with drain, all busy: waits until the deadline",
                        v -> v.stop().drain().mayHaveMore().free(0), Step.await(Kind.WAIT, S)),
                row("stop with drain past the deadline: stops",
                        v -> v.stop().drain().mayHaveMore().deadline(NOW), Step.STOP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String situation, NextStep.View view, Step expected) {
        assertEquals(expected, NextStep.decide(view, NOW));
    }

    @ParameterizedTest(name = "after {0} ns of backoff, {1} ns")
    @MethodSource("backoffs")
    void backs_off_doubling_from_100_ms_to_5_s(long previous, long expected) {
        assertEquals(expected, NextStep.backoffAfter(previous));
    }

    static Stream<Arguments> backoffs() {
        return Stream.of(Arguments.of(0L, 100 * MS), Arguments.of(100 * MS, 200 * MS),
                Arguments.of(2_560 * MS, 5 * S), Arguments.of(5 * S, 5 * S));
    }

    private static Arguments row(String situation, UnaryOperator<Views> change, Step expected) {
        return Arguments.of(situation, change.apply(new Views()).view(), expected);
    }

    /** {@link #IDLE}, changed one field at a time. */
    private static final class Views {
        boolean stop = IDLE.stopRequested();
        long deadline = IDLE.stopDeadline();
        boolean abandoned;
        boolean drain;
        boolean claiming;
        boolean mayHaveMore;
        boolean woken;
        int free = IDLE.freeSlots();
        boolean jobsWaiting;
        boolean goIdle;
        long goIdleAt;
        int goIdleRows;
        long unhandledAt = IDLE.nextUnhandledCheck();
        boolean sweep;
        boolean hasDue;
        long dueAt;
        long idleLeft = IDLE.idleLeftNanos();
        boolean yielded;
        long untilFlush = IDLE.nanosUntilFlush();

        NextStep.View view() {
            return new NextStep.View(stop, deadline, abandoned, drain, claiming, mayHaveMore, woken, free,
                    IDLE.workerCount(), jobsWaiting, goIdle, goIdleAt, goIdleRows, unhandledAt, sweep, hasDue, dueAt,
                    idleLeft, yielded, untilFlush);
        }

        Views stop() { stop = true; return this; }
        Views deadline(long t) { deadline = t; return this; }
        Views abandoned() { abandoned = true; return this; }
        Views drain() { drain = true; return this; }
        Views claiming() { claiming = true; return this; }
        Views mayHaveMore() { mayHaveMore = true; return this; }
        Views woken() { woken = true; return this; }
        Views free(int n) { free = n; return this; }
        Views jobsWaiting() { jobsWaiting = true; return this; }
        Views goIdle(long at, int rows) { goIdle = true; goIdleAt = at; goIdleRows = rows; return this; }
        Views unhandledAt(long t) { unhandledAt = t; return this; }
        Views sweep() { sweep = true; return this; }
        Views dueAt(long t) { hasDue = true; dueAt = t; return this; }
        Views idleLeft(long n) { idleLeft = n; return this; }
        Views yielded() { yielded = true; return this; }
        Views untilFlush(long n) { untilFlush = n; return this; }
    }
}
