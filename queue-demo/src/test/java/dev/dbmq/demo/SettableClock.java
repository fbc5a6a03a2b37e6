package dev.dbmq.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock the test moves: for the queue's task ages and the server's sample times. */
final class SettableClock implements InstantSource {

    private volatile Instant now;

    SettableClock(Instant start) {
        this.now = start;
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
