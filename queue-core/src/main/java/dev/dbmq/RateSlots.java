package dev.dbmq;

/**
 * When a rate-limited type ({@link Task#rate}) may start its next tasks: pure functions of what a claim reads, tested
 * as a table ({@code RateSlotsTest}).
 *
 * <p>A rate of {@code n} per {@code per} gives the type a slot every {@code (per + headroom) / n} (its spacing); a start
 * takes the slot after the latest one taken, once that slot has come. So a backlog starts evenly, one start per slot,
 * instead of {@code n} at once each time the window empties: at 100 per second, one start every 10.2 ms. (Let through
 * {@code n} at a time, a backlog's starts come in bursts, and the slightest lag smears each burst into the next
 * window: measured, 83 to 104 starts per 1-second window, and starts up to 89 ms after the window let them.)
 *
 * <p>The headroom ({@link #headroomNanos}: 1% of the period, at least 20 ms, at most 10%) is for the time from a claim
 * to its handler's start, which varies by a few ms: slots exactly {@code per / n} apart put {@code n + 1} handler starts
 * in a window whenever a start comes later after its claim than the start {@code n} slots on does (measured: 101-102 in
 * 1-second windows at 100 per second, where the claims kept 100; with 1% and no floor, 101 in one SQLite run of five). With
 * {@code n} slots spanning {@code per} and the headroom, a start may come that much later before the window holds one
 * too many. A backlog at 100 per second runs at 98. Two things keep the pace from drifting and from overshooting:
 * <ul>
 *   <li>A claim that comes late takes the slots it missed within a quarter of the headroom ({@link #catchUpNanos}: 5 ms
 *   at 100 per second), so a late wake-up does not push every later slot back, and a start taken late leaves most of
 *   the headroom to its handler. After that, slots run on from the claim's own time. A type with no slot within its
 *   last window starts at the claim's time: its first task starts at once.</li>
 *   <li>The window still counts: whatever the slots say, no more than {@code n} starts fall in any window of
 *   {@code per} (by the claims' clocks), so a catch-up never adds up to more than the rate.</li>
 * </ul>
 * Slots are epoch nanoseconds (at least 1 apart for every valid rate: per ≥ 1 ms, n ≤ 10⁶).
 */
final class RateSlots {

    private RateSlots() {
    }

    /** The least headroom: what a busy machine's delay between a claim and its handler's start can come to. */
    static final long HEADROOM_FLOOR_NANOS = 20_000_000;

    /** What the slots of a period add to it: 1% of it, at least {@link #HEADROOM_FLOOR_NANOS}, at most 10% of it. */
    static long headroomNanos(Task.Rate rate) {
        long per = rate.per().toNanos();
        return Math.min(Math.max(per / 100, HEADROOM_FLOOR_NANOS), per / 10);
    }

    /** The time between two slots of a rate, ns: {@code (per + headroom) / n}. */
    static long spacingNanos(Task.Rate rate) {
        return (rate.per().toNanos() + headroomNanos(rate)) / rate.starts();
    }

    /**
     * How far back a late claim may still take missed slots: a quarter of the headroom (a busy machine's late wake-up,
     * not an idle hour), so a start taken late leaves the rest for its handler's delay.
     */
    static long catchUpNanos(Task.Rate rate) {
        return headroomNanos(rate) / 4;
    }

    /**
     * The first slot a claim at {@code nowNanos} may use: the one after {@code lastSlot}, or the claim's own time when
     * there is none; never further back than {@code catchUp}.
     *
     * @param lastSlot the latest slot taken within the type's window, epoch ns, or null when none
     */
    static long firstSlot(long spacing, long catchUp, Long lastSlot, long nowNanos) {
        if (lastSlot == null) {
            return nowNanos;
        }
        return Math.max(lastSlot + spacing, nowNanos - catchUp);
    }

    /**
     * How many tasks of the type a claim may start: the slots that have come, from {@code first} up to {@code now},
     * and the starts the window leaves, whichever is fewer; zero or less: none.
     *
     * @param startsInWindow the type's starts within the last period, by the window's count
     */
    static int room(Task.Rate rate, long first, long nowNanos, int startsInWindow) {
        long spacing = spacingNanos(rate);
        long slots = first > nowNanos ? 0 : (nowNanos - first) / spacing + 1;
        return (int) Math.min(slots, rate.starts() - (long) startsInWindow);
    }

    /**
     * When the type's next start may come after a claim took {@code took} of its slots from {@code first}: the next
     * slot, rounded up to the millisecond, or later if the window is full until then.
     *
     * @param windowFreeAt when the window has room for one more start, epoch ms (0 when it has room now)
     * @return epoch ms
     */
    static long nextStartMillis(long spacing, long first, int took, long windowFreeAt) {
        long slot = first + took * spacing;
        long slotMillis = slot / 1_000_000 + (slot % 1_000_000 == 0 ? 0 : 1);
        return Math.max(slotMillis, windowFreeAt);
    }
}
