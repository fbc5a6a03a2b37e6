package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbmq.ForemanListener;
import dev.dbmq.TaskEvent;
import dev.dbmq.TaskQueue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * What the sample's tests share: the running application's port and queue, a POST to /signup, and a listener bean
 * that hears which tasks succeeded.
 */
abstract class SampleApplicationTest {

    @LocalServerPort
    int port;

    @Autowired
    Succeeded succeeded;

    @Autowired
    TaskQueue queue;

    /** A signup through the application's HTTP endpoint runs the documented handler bean, and leaves nothing queued. */
    void aSignupRunsTheWelcomeHandler(String email) throws Exception {
        long id = signup(port, email);
        assertEquals("welcome " + id, next(succeeded));
        assertEquals(0, queue.pending());
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Succeeded {
        final BlockingQueue<String> tasks = new LinkedBlockingQueue<>();

        @Bean
        ForemanListener succeededListener() {
            return new ForemanListener() {
                @Override
                public void taskSucceeded(TaskEvent.Succeeded e) {
                    tasks.add(e.taskName() + " " + e.taskId());
                }
            };
        }
    }

    /** POSTs a signup and returns the id of the task it queued. */
    static long signup(int port, String email) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/signup?email=" + email))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("queued task "), response.body());
        return Long.parseLong(response.body().substring("queued task ".length()).trim());
    }

    static String next(Succeeded succeeded) throws InterruptedException {
        String task = succeeded.tasks.poll(20, TimeUnit.SECONDS);
        if (task == null) {
            throw new AssertionError("no task succeeded within 20 s");
        }
        return task;
    }
}
