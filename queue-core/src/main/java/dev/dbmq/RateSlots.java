package dev.dbmq;

/**
 * When a rate-limited type ({@link Task#rate}) may start its next tasks: pure functions of what a claim reads, tested
 * as a table ({@code RateSlotsTest}).
 *
 * <p>A rate of {@code n} per {@code per} gives the type a slot every {@code per / n} (its spacing); a start takes the
 * slot after the latest one taken, once that slot has come. So a backlog starts evenly, one start per slot, instead of
 * {@code n} at once each time the window empties: at 100 per second, one start every 10 ms, and any second of them
 * holds 100 of them. (Let through {@code n} at a time, a backlog's starts come in bursts, and the slightest lag
 * smears each burst into the next window: measured, 83 to 104 starts per 1-second window, and starts up to 89 ms after
 * the window let them.) Two things keep the pace from drifting and from overshooting:
 * <ul>
 *   <li>A claim that comes late takes the slots it missed, up to {@link #CATCH_UP_NANOS} of them (or one spacing,
 *   when longer), so a late wake-up does not push every later slot back. After that, slots run on from the claim's
 *   own time. A type with no slot within its last window starts at the claim's time: its first task starts at once.
 *   </li>
 *   <li>The window still counts: whatever the slots say, no more than {@code n} starts fall in any window of
 *   {@code per} (by the claims' clocks), so a catch-up never adds up to more than the rate.</li>
 * </ul>
 * Slots are epoch nanoseconds ({@code per / n} is a whole number of them for every valid rate: per ≥ 1 ms, n ≤ 10⁶).
 */
final class RateSlots {

    /** How far back a late claim may still take missed slots: a busy machine's late wake-up, not an idle hour. */
    static final long CATCH_UP_NANOS = 10_000_000;

    private RateSlots() {
    }

    /** The time between two slots of a rate, ns. */
    static long spacingNanos(Task.Rate rate) {
        return rate.per().toNanos() / rate.starts();
    }

    /**
     * The first slot a claim at {@code nowNanos} may use: the one after {@code lastSlot}, or the claim's own time when
     * there is none; never further back than the catch-up allows.
     *
     * @param lastSlot the latest slot taken within the type's window, epoch ns, or null when none
     */
    static long firstSlot(long spacing, Long lastSlot, long nowNanos) {
        if (lastSlot == null) {
            return nowNanos;
        }
        return Math.max(lastSlot + spacing, nowNanos - Math.max(spacing, CATCH_UP_NANOS));
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
