package dev.dbmq.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Sends events to a running server, as an SDK would, with a progress bar (on stderr) and a summary (on stdout).
 * Stops at the first connection failure: a server that is not there fails every event the same way.
 */
@Command(name = "load", description = "Sends N events to the server's /api/events; prints sent, accepted, time, rate.")
final class LoadCommand implements Callable<Integer> {

    private static final int BAR_WIDTH = 30;

    @Spec
    CommandSpec spec;

    int events;
    int concurrency = 8;
    URI url = URI.create("http://127.0.0.1:8080/");

    @Option(names = "--events", paramLabel = "N", required = true, description = "How many, 1 to 1000000.")
    void events(int events) {
        if (events < 1 || events > 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--events must be from 1 to 1000000, was " + events);
        }
        this.events = events;
    }

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "Requests in flight at once, 1 to 256 (default: ${DEFAULT-VALUE}).")
    void concurrency(int concurrency) {
        if (concurrency < 1 || concurrency > 256) {
            throw new ParameterException(spec.commandLine(),
                    "--concurrency must be from 1 to 256, was " + concurrency);
        }
        this.concurrency = concurrency;
    }

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080/",
            description = "The server (default: ${DEFAULT-VALUE}).")
    void url(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--url must be an http(s) URL such as "
                    + "http://127.0.0.1:8080/, was \"" + url + '"');
        }
        this.url = uri;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI target = url.resolve("/api/events");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicReference<String> firstProblem = new AtomicReference<>();
        int senders = Math.min(concurrency, events);
        CountDownLatch finished = new CountDownLatch(senders);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long t0 = System.nanoTime();
        for (int s = 0; s < senders; s++) {
            pool.execute(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                        try {
                            HttpResponse<String> response = client.send(request(target, i),
                                    HttpResponse.BodyHandlers.ofString());
                            sent.incrementAndGet();
                            if (response.statusCode() == 202) {
                                accepted.incrementAndGet();
                            } else {
                                firstProblem.compareAndSet(null, response.statusCode() + " " + response.body());
                            }
                        } catch (IOException e) {
                            firstProblem.compareAndSet(null, "cannot reach " + target + ": " + e);
                            next.set(events); // every other event would fail the same way
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            });
        }
        int drawn = -1;
        boolean done = false;
        while (!done) {
            done = finished.await(100, TimeUnit.MILLISECONDS); // redraw the bar ten times a second
            if (sent.get() != drawn) {
                drawn = sent.get();
                err.print("\r" + bar(drawn, events));
                err.flush();
            }
        }
        err.println();
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf("sent %d, accepted %d, in %.2f s: %.0f events/s%n", sent.get(), accepted.get(), seconds,
                sent.get() / seconds);
        if (firstProblem.get() != null) {
            out.println("not all events were accepted; first problem: " + firstProblem.get());
        }
        return accepted.get() == events ? 0 : 1;
    }

    private static HttpRequest request(URI target, int i) {
        String level = i % 5 == 0 ? "error" : "info";
        String body = "{\"level\":\"" + level + "\",\"message\":\"load event " + i + "\"}";
        return HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String bar(int done, int total) {
        int filled = (int) ((long) done * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total;
    }
}
