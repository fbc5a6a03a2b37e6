package dev.dbmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForemanTest {

    record Echo(int n) {}

    static final Task<Echo> ECHO = Task.of("echo", Echo.class);

    @TempDir
    Path dir;

    @Test
    void runs_enqueued_tasks() throws Exception {
        try (TaskQueue queue = TaskQueue.sqlite(dir.resolve("q.db"))) {
            java.util.concurrent.atomic.AtomicReference<CountDownLatch> done = new java.util.concurrent.atomic.AtomicReference<>();
            try (Foreman foreman = Foreman.builder(queue).handle(ECHO, a -> done.get().countDown())
                    .pollInterval(Duration.ofHours(1)).start()) {
              for (int r = 0; r < 5; r++) {
                done.set(new CountDownLatch(1000));
                long t0 = System.nanoTime();
                for (int i = 0; i < 1000; i++) {
                    queue.enqueue(ECHO, new Echo(i));
                }
                long t1 = System.nanoTime();
                assertTrue(done.get().await(30, TimeUnit.SECONDS));
                System.out.println("1000 tasks: " + (System.nanoTime() - t0) / 1e6 + " ms, enqueue " + (t1 - t0) / 1e6);
              }
            }
            assertEquals(0, queue.pending());
        }
    }
}
