package dev.dbmq.spring;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** What the tests' handler and listener beans saw, in order; a test takes each with a timeout. */
final class Ran {

    static final Duration WAIT = Duration.ofSeconds(20);

    final BlockingQueue<String> seen = new ArrayBlockingQueue<>(100);

    void add(String what) {
        seen.add(what);
    }

    String next() throws InterruptedException {
        String n = seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (n == null) {
            throw new AssertionError("nothing ran within " + WAIT);
        }
        return n;
    }
}
