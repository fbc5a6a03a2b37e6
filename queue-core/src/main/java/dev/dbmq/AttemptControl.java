package dev.dbmq;

import java.time.Duration;

/**
 * What a running attempt and its foreman tell each other while it runs: the progress its handler reports (written by
 * the foreman's watch about once a second, {@link RunningWatch}), whether it was asked to stop ({@code
 * TaskQueue.cancel} of a running task, or its record settled by another foreman that took this one for gone), and a
 * snooze to apply when its handler returns.
 *
 * <p>Threads: the handler (its worker) reports and reads; the watch thread takes the progress and cancels. A cancel
 * interrupts the worker once, and only while this attempt runs: never the next task on that thread.
 */
final class AttemptControl {

    /** Longest note kept with a progress; a longer one is cut (it is for humans, shown in lists). */
    static final int MAX_NOTE_LENGTH = 500;

    /** Why an attempt was asked to stop. */
    enum Stop {
        /** {@code TaskQueue.cancel(id)}: never retried, not kept as failed. */
        CANCELLED,
        /** Another foreman settled its record: its outcome will be discarded (fencing). */
        SETTLED
    }

    /** A progress report to write: {@code version} tells the watch whether a newer one came since. */
    record Progress(double fraction, String note, long version) {
    }

    private final Thread worker;
    // Guarded by this.
    private boolean running = true;
    private Progress progress;
    private long written;
    private Stop stop;
    private Duration snooze;

    AttemptControl(Thread worker) {
        this.worker = worker;
    }

    /** The handler's report; validated here, on its thread, so a bad value fails where it was made. */
    synchronized void progress(double fraction, String note) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("progress must be from 0 to 1, was " + fraction);
        }
        String kept = note == null || note.length() <= MAX_NOTE_LENGTH ? note
                : note.substring(0, MAX_NOTE_LENGTH - 1) + "…";
        progress = new Progress(fraction, kept, progress == null ? 1 : progress.version() + 1);
    }

    /** The watch: the report not yet written, or null. */
    synchronized Progress unwritten() {
        return progress != null && progress.version() > written ? progress : null;
    }

    /** The watch wrote {@code p}. */
    synchronized void written(Progress p) {
        written = Math.max(written, p.version());
    }

    synchronized void snooze(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("snooze delay must be >= 0, was " + delay);
        }
        snooze = delay;
    }

    synchronized Duration snoozed() {
        return snooze;
    }

    /** Asks the attempt to stop: sets the flag its handler reads and, while it runs, interrupts its worker once. */
    synchronized void stop(Stop why) {
        if (stop != null) {
            return;
        }
        stop = why;
        if (running) {
            worker.interrupt();
        }
    }

    synchronized Stop stopped() {
        return stop;
    }

    boolean isStopped() {
        return stopped() != null;
    }

    /**
     * The handler returned or threw: no interrupt reaches its worker after this. An interrupt this control sent
     * is cleared from the worker (the calling thread), so it does not reach the next task.
     */
    synchronized void ended() {
        running = false;
        if (stop != null) {
            Thread.interrupted();
        }
    }
}
