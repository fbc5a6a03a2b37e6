package dev.dbmq.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dbmq.FailedTask;
import dev.dbmq.Foreman;
import dev.dbmq.RunningTask;
import dev.dbmq.TaskQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web half of the demo, on the JDK's HTTP server: accepts events and enqueues a digest per event, serves the
 * queue's status as JSON, and the live status page.
 *
 * <pre>
 * POST /api/events          a JSON event; 202 {"eventId","taskId"}, 400 with a reason, 413 over 64 KiB
 * POST /api/burst?events=N  N made-up events in one transaction (1 to 10000, default 500); 202
 * GET  /api/status          pending (due, scheduled, retrying), next due time, oldest task age, stalled, per-task
 *                           done/failed over the last minute (or what the history covers), workers busy, chart,
 *                           what runs now (with progress), failures
 * POST /api/cancel?id=N     cancels task N: pending, it never runs; running, it is asked to stop; 200 {"cancelled"}
 * GET  /                    the status page
 * </pre>
 *
 * <p>A sampler thread reads {@code queue.stats()} once a second into a {@link StatsHistory}, so rates work whether
 * the foreman runs in this process or another.
 */
final class DemoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoServer.class);

    /** Running tasks listed on the status page, the longest running first. */
    static final int RUNNING_SHOWN = 50;

    /** How often the sampler reads the queue's stats. */
    static final long SAMPLE_MILLIS = 1000;
    /** Chart length: five minutes of samples. */
    static final int HISTORY_SAMPLES = 301;
    static final int DEFAULT_BURST = 500;
    static final int MAX_BURST = 10_000;
    static final int RECENT_FAILURES = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The foreman's worker gauge and state (running, failed, …), known only when it runs in this process. */
    record Workers(int total, IntSupplier busy, Supplier<Foreman.State> state,
                   Supplier<Map<String, Long>> unhandled) {
    }

    private final TaskQueue queue;
    private final Workers workers; // null: the foreman runs in another process
    private final InstantSource clock; // the samples' times
    private final EventIngest ingest = new EventIngest();
    private final StatsHistory history = new StatsHistory(HISTORY_SAMPLES);
    private final byte[] statusPage;
    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService sampler;

    private DemoServer(TaskQueue queue, InetSocketAddress address, Workers workers, InstantSource clock)
            throws IOException {
        this.queue = queue;
        this.workers = workers;
        this.clock = clock;
        this.statusPage = resource("status.html");
        sample(); // the first status request finds a sample
        this.server = HttpServer.create(address, 0);
        this.httpThreads = Executors.newFixedThreadPool(8, daemon("dbmq-demo-http"));
        this.sampler = Executors.newSingleThreadScheduledExecutor(daemon("dbmq-demo-sampler"));
        server.setExecutor(httpThreads);
        server.createContext("/", this::route);
    }

    /**
     * Starts serving on {@code address} (port 0: any free port).
     *
     * @param workers the in-process foreman's workers, or null when the foreman runs in another process
     */
    static DemoServer start(TaskQueue queue, InetSocketAddress address, Workers workers) throws IOException {
        return start(queue, address, workers, InstantSource.system());
    }

    /** As {@link #start(TaskQueue, InetSocketAddress, Workers)}, with the samples timed by {@code clock} (tests). */
    static DemoServer start(TaskQueue queue, InetSocketAddress address, Workers workers, InstantSource clock)
            throws IOException {
        DemoServer s = new DemoServer(queue, address, workers, clock);
        s.server.start();
        s.sampler.scheduleAtFixedRate(s::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        return s;
    }

    /** The page's address, with the port actually bound. */
    URI url() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/");
    }

    /** Stops accepting requests, lets running ones finish (up to 1 s), stops the sampler. Idempotent. */
    @Override
    public void close() {
        server.stop(1);
        httpThreads.shutdown();
        sampler.shutdownNow();
    }

    private void sample() {
        try {
            history.add(clock.millis(), queue.stats());
        } catch (RuntimeException e) { // the sampler must survive a busy or vanished database
            log.warn("Could not read the queue's stats; will try again: {}", e.toString());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/api/events" -> {
                    if (allow(exchange, "POST")) {
                        postEvent(exchange);
                    }
                }
                case "/api/burst" -> {
                    if (allow(exchange, "POST")) {
                        postBurst(exchange);
                    }
                }
                case "/api/cancel" -> {
                    if (allow(exchange, "POST")) {
                        postCancel(exchange);
                    }
                }
                case "/api/status" -> {
                    if (allow(exchange, "GET")) {
                        send(exchange, 200, "application/json", JSON.writeValueAsBytes(status()));
                    }
                }
                case "/", "/index.html" -> {
                    if (allow(exchange, "GET")) {
                        send(exchange, 200, "text/html; charset=utf-8", statusPage);
                    }
                }
                default -> error(exchange, 404, "no such resource: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            log.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            error(exchange, 500, "internal error: " + e);
        }
    }

    private void postEvent(HttpExchange exchange) throws IOException {
        byte[] body = readBody(exchange);
        if (body == null) {
            error(exchange, 413, "event larger than " + EventIngest.MAX_BODY_BYTES + " bytes");
            return;
        }
        Digest digest;
        try {
            digest = ingest.accept(body);
        } catch (EventIngest.BadEvent e) {
            error(exchange, 400, e.getMessage());
            return;
        }
        long taskId = queue.enqueue(Digest.TASK, digest);
        sendJson(exchange, 202, Map.of("eventId", digest.eventId(), "taskId", taskId));
    }

    private void postBurst(HttpExchange exchange) throws IOException {
        String raw = queryParameter(exchange.getRequestURI(), "events");
        int n;
        try {
            n = raw == null ? DEFAULT_BURST : Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_BURST) {
            error(exchange, 400, "events must be a number from 1 to " + MAX_BURST + ", was \"" + raw + '"');
            return;
        }
        queue.enqueueAll(Digest.TASK, ingest.burst(n));
        sendJson(exchange, 202, Map.of("accepted", n));
    }

    private void postCancel(HttpExchange exchange) throws IOException {
        String raw = queryParameter(exchange.getRequestURI(), "id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            error(exchange, 400, "id must be a task id, was \"" + raw + '"');
            return;
        }
        sendJson(exchange, 200, Map.of("id", id, "cancelled", queue.cancel(id)));
    }

    /** The body of /api/status. */
    Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        StatsHistory.Sample latest = history.latest();
        s.put("sampledAt", latest.atMillis());
        s.put("pending", latest.stats().pending());
        s.put("due", latest.stats().due());
        s.put("scheduled", latest.stats().scheduled());
        s.put("retrying", latest.stats().retrying());
        s.put("nextDueAt", latest.stats().nextDueAt().map(Instant::toEpochMilli).orElse(null));
        s.put("oldestTaskAgeMillis", latest.stats().oldestTaskAge().toMillis());
        s.put("stalled", history.stalled());
        s.put("stallMillis", StatsHistory.STALL_MILLIS);
        s.put("workersBusy", workers == null ? null : workers.busy().getAsInt());
        s.put("workers", workers == null ? null : workers.total());
        s.put("foremanState", workers == null ? null : workers.state().get().name());
        s.put("unhandled", workers == null ? null : workers.unhandled().get());
        s.put("failedKept", latest.stats().failedKept());
        StatsHistory.Rates rates = history.rates();
        s.put("rateWindowMillis", rates.windowMillis());
        s.put("tasks", rates.tasks());
        s.put("sampleMillis", SAMPLE_MILLIS);
        s.put("history", history.points());
        List<Map<String, Object>> failures = new ArrayList<>();
        for (FailedTask f : queue.failedTasks(RECENT_FAILURES)) { // args left out: they may be sensitive
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("id", f.id());
            failure.put("task", f.taskName());
            failure.put("failedAt", f.failedAt().toEpochMilli());
            failure.put("reason", f.reason());
            failures.add(failure);
        }
        s.put("recentFailures", failures);
        List<Map<String, Object>> running = new ArrayList<>();
        for (RunningTask r : queue.running().stream().limit(RUNNING_SHOWN).toList()) { // args left out, as above
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("id", r.id());
            task.put("task", r.taskName());
            task.put("attempt", r.attempt());
            task.put("foreman", r.foremanId());
            task.put("startedAt", r.startedAt().toEpochMilli());
            task.put("progress", r.progress().isPresent() ? r.progress().getAsDouble() : null);
            task.put("note", r.note().orElse(null));
            running.add(task);
        }
        s.put("running", running);
        return s;
    }

    private static boolean allow(HttpExchange exchange, String method) throws IOException {
        if (exchange.getRequestMethod().equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", method);
        error(exchange, 405, exchange.getRequestURI().getPath() + " takes " + method + ", not "
                + exchange.getRequestMethod());
        return false;
    }

    /** The body, or null when it is over the limit; reads no more than one byte past it. */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(EventIngest.MAX_BODY_BYTES + 1);
            return body.length > EventIngest.MAX_BODY_BYTES ? null : body;
        }
    }

    private static String queryParameter(URI uri, String name) {
        String query = uri.getQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    private static void error(HttpExchange exchange, int status, String reason) throws IOException {
        sendJson(exchange, status, Map.of("error", reason));
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
