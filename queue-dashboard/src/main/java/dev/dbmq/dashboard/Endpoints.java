package dev.dbmq.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.FailedFilter;
import dev.dbmq.FailedTask;
import dev.dbmq.FinishedAttempt;
import dev.dbmq.MinuteCount;
import dev.dbmq.PendingFilter;
import dev.dbmq.PendingTask;
import dev.dbmq.RunningTask;
import dev.dbmq.TaskNameStats;
import dev.dbmq.TaskQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's request handling, without a server: every request goes through {@link #handle(Call)}, which
 * resolves the caller's access (guarded), serves the page's files, or finds the API endpoint in one table
 * ({@link #routes}) and runs it. A new endpoint is one row there.
 *
 * <p>Policy: a request the resolver forbids gets 403 whatever it asks; reading needs nothing more; every mutating
 * call passes {@link RequestChecks#forMutation} (403/415) and needs its {@link Action} (403), checked here on the
 * server whatever the page shows; a bad parameter or body is answered 400 with a message naming the field; anything
 * else that fails is answered 500 and logged at WARN with the request. Each mutation is logged at INFO with who made
 * it and what it touched, as an audit trail.
 */
final class Endpoints {

    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

    /**
     * The overview's throughput chart covers the minutes that started within this window, the current (incomplete)
     * one last.
     */
    static final Duration THROUGHPUT_WINDOW = Duration.ofHours(1);

    private static final long MINUTE_MILLIS = 60_000;

    /** Largest request body read: 10,000 ids with room to spare. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a handler gets: the call, its access, the path's {@code {id}}, the query, and (POST) the body. */
    private record Input(Call call, Access access, long id, Map<String, String> query, JsonNode body) {
        boolean withArgs() {
            return access.allows(Action.VIEW_ARGS);
        }
    }

    @FunctionalInterface
    private interface Handler {
        /** The JSON body to answer 200 with (a map or list), or a {@link Reply} as it is. */
        Object handle(Input in);
    }

    /**
     * One endpoint: its method, its path below {@code api/} with at most one {@code {id}} segment, and the action it
     * needs (null: it only reads).
     */
    private record Route(String method, String pattern, Action action, Handler handler) {

        /** The path's id (0 when the pattern has none), or -1 when it does not match. */
        long match(String path) {
            String[] want = pattern.split("/");
            String[] got = path.split("/", -1);
            if (want.length != got.length) {
                return -1;
            }
            long id = 0;
            for (int i = 0; i < want.length; i++) {
                if (want[i].equals("{id}")) {
                    try {
                        id = Long.parseLong(got[i]);
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                    if (id < 1) {
                        return -1;
                    }
                } else if (!want[i].equals(got[i])) {
                    return -1;
                }
            }
            return id;
        }
    }

    private final TaskQueue queue;
    private final GuardedResolver resolver;
    private final String csrfToken;
    private final Assets assets;
    private final List<Route> routes;

    Endpoints(TaskQueue queue, GuardedResolver resolver, String csrfToken) {
        this.queue = queue;
        this.resolver = resolver;
        this.csrfToken = csrfToken;
        this.assets = new Assets();
        this.routes = List.of(
                new Route("GET", "session", null, this::session),
                new Route("GET", "overview", null, this::overview),
                new Route("GET", "running", null, this::running),
                new Route("GET", "scheduled", null, this::scheduled),
                new Route("GET", "failed", null, this::failed),
                new Route("GET", "foremen", null, this::foremen),
                new Route("GET", "history", null, this::history),
                new Route("GET", "schedules", null, this::schedules),
                new Route("GET", "task/{id}", null, this::task),
                new Route("POST", "failed/requeue", Action.REQUEUE, this::requeueFailed),
                new Route("POST", "failed/delete", Action.DELETE, this::deleteFailed),
                new Route("POST", "pending/cancel", Action.CANCEL, this::cancelPending),
                new Route("POST", "running/{id}/cancel", Action.CANCEL, this::cancelRunning),
                new Route("POST", "lanes/pause", Action.PAUSE, in -> pauseOrResume(in, true)),
                new Route("POST", "lanes/resume", Action.PAUSE, in -> pauseOrResume(in, false)));
    }

    /** Answers one request; never throws. */
    Reply handle(Call call) {
        try {
            return route(call);
        } catch (RuntimeException e) {
            log.warn("Dashboard: {} {} failed", call.method(), call.fullPath(), e);
            return error(500, "internal error (" + e.getClass().getSimpleName() + "), logged by the server");
        }
    }

    private Reply route(Call call) {
        String rest = call.rest();
        if (rest.isEmpty()) { // the mount point without its slash: the page's relative URLs need one
            return Reply.redirect(308, call.fullPath() + "/" + (call.query() == null ? "" : "?" + call.query()));
        }
        if (!rest.startsWith("/")) {
            return error(404, "no such resource: " + call.fullPath());
        }
        String path = rest.substring(1);
        Access access = resolver.resolve(call.request());
        if (!access.canView()) {
            return error(403, "forbidden: access to the dashboard was refused for this request");
        }
        if (!path.startsWith("api/")) {
            Reply file = call.method().equals("GET") || call.method().equals("HEAD") ? assets.serve(path) : null;
            return file != null ? file : error(assets.serve(path) == null ? 404 : 405, "no such resource: "
                    + call.method() + " " + path);
        }
        String apiPath = path.substring("api/".length());
        String allowed = null;
        for (Route r : routes) {
            long id = r.match(apiPath);
            if (id < 0) {
                continue;
            }
            if (!r.method().equals(call.method())) {
                allowed = r.method();
                continue;
            }
            return run(r, call, access, id);
        }
        if (allowed != null) {
            Reply refusal = error(405, path + " takes " + allowed + ", not " + call.method());
            Map<String, String> headers = new LinkedHashMap<>(refusal.headers());
            headers.put("Allow", allowed);
            return new Reply(405, headers, refusal.body());
        }
        return error(404, "no such resource: " + call.method() + " " + path);
    }

    private Reply run(Route route, Call call, Access access, long id) {
        JsonNode body = null;
        if (route.action() != null) {
            RequestChecks.Refusal refusal = RequestChecks.forMutation(call, csrfToken);
            if (refusal != null) {
                return error(refusal.status(), refusal.reason());
            }
            if (!access.allows(route.action())) {
                return error(403, "forbidden: this request may not " + route.action().name().toLowerCase(
                        java.util.Locale.ROOT) + " (allowed: " + access.actions() + ")");
            }
            try {
                body = readBody(call);
            } catch (IllegalArgumentException e) {
                return error(e.getMessage().startsWith("request body larger") ? 413 : 400, e.getMessage());
            }
        } else if (route.pattern().equals("session")) {
            String crossSite = RequestChecks.crossSite(call); // the token must not reach another site's page
            if (crossSite != null) {
                return error(403, crossSite);
            }
        }
        Object result;
        try {
            result = route.handler().handle(new Input(call, access, id, query(call.query()), body));
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        return result instanceof Reply reply ? reply : json(200, result);
    }

    // ---- the endpoints ----

    private Object session(Input in) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("csrfToken", csrfToken);
        m.put("actions", new TreeSet<>(in.access().actions().stream().map(Enum::name).toList()));
        m.put("principal", in.call().request().principal().map(Endpoints::nameOf).orElse(null));
        return m;
    }

    /**
     * The queue's totals, one row per task name ({@link TaskQueue#statsByName()}), and the throughput of the last
     * hour: done and failed per minute, all names summed, only the minutes with any ({@link #throughput}). Times are
     * the queue's clock, so that "the last complete minute" means the same to the counts and to the page.
     */
    private Object overview(Input in) {
        Instant now = queue.settings().clock().instant();
        // Per name, not stats(): its totals read every pending task, and this runs every two seconds per open page
        List<TaskNameStats> byName = queue.statsByName();
        List<MinuteCount> minutes = queue.countsPerMinute(THROUGHPUT_WINDOW);
        int foremen = queue.foremen().size();
        long currentMinute = Math.floorDiv(now.toEpochMilli(), MINUTE_MILLIS) * MINUTE_MILLIS;
        Instant lastComplete = Instant.ofEpochMilli(currentMinute - MINUTE_MILLIS);
        Map<String, Long> donePerMinute = new HashMap<>();
        for (MinuteCount c : minutes) {
            if (c.minute().equals(lastComplete)) {
                donePerMinute.merge(c.taskName(), c.done(), Long::sum);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        long due = 0;
        long scheduled = 0;
        long retrying = 0;
        long running = 0;
        long failedKept = 0;
        boolean atLimit = false;
        java.time.Duration oldest = java.time.Duration.ZERO;
        Instant next = null;
        for (TaskNameStats t : byName) {
            due += t.due();
            scheduled += t.scheduled();
            retrying += t.retrying();
            running += t.running();
            failedKept += t.failedKept();
            atLimit |= TaskNameStats.atLimit(t.due()) || TaskNameStats.atLimit(t.scheduled())
                    || TaskNameStats.atLimit(t.retrying()) || TaskNameStats.atLimit(t.failedKept());
            oldest = t.oldestDueAge().compareTo(oldest) > 0 ? t.oldestDueAge() : oldest;
            Instant n = t.nextDueAt().orElse(null);
            next = n != null && (next == null || n.isBefore(next)) ? n : next;
        }
        m.put("at", now.toString());
        m.put("countLimit", TaskNameStats.COUNT_LIMIT); // a count of a name's tasks stops there: "10000+"
        m.put("totalsAtLimit", atLimit); // a total is then at least what it says
        m.put("pending", due + scheduled);
        m.put("due", due);
        m.put("scheduled", scheduled);
        m.put("retrying", retrying);
        m.put("running", running);
        m.put("failedKept", failedKept);
        m.put("oldestDueAge", oldest.toString());
        m.put("oldestDueAgeMillis", oldest.toMillis());
        m.put("nextDueAt", next == null ? null : next.toString());
        m.put("foremen", foremen);
        m.put("pausedLanes", List.copyOf(queue.pausedLanes().keySet())); // no foreman claims their tasks
        m.put("tasks", byName.stream().map(t -> Views.taskName(t, donePerMinute.getOrDefault(t.taskName(), 0L)))
                .toList());
        m.put("throughput", throughput(minutes, currentMinute));
        return m;
    }

    /**
     * The chart's data: {@code from}, the first minute of the window, {@code minutes}, how many the window has (the
     * current minute last), and {@code perMinute}, the done and failed counts of each minute that had any, all task
     * names summed, oldest first.
     */
    private static Map<String, Object> throughput(List<MinuteCount> counts, long currentMinute) {
        int slots = (int) (THROUGHPUT_WINDOW.toMillis() / MINUTE_MILLIS);
        TreeMap<Instant, long[]> summed = new TreeMap<>();
        for (MinuteCount c : counts) {
            long[] sum = summed.computeIfAbsent(c.minute(), k -> new long[2]);
            sum[0] += c.done();
            sum[1] += c.failed();
        }
        List<Map<String, Object>> perMinute = new ArrayList<>();
        summed.forEach((minute, sum) -> {
            if (sum[0] + sum[1] > 0) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("minute", minute.toString());
                point.put("done", sum[0]);
                point.put("failed", sum[1]);
                perMinute.add(point);
            }
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", Instant.ofEpochMilli(currentMinute - (slots - 1) * MINUTE_MILLIS).toString());
        m.put("minutes", slots);
        m.put("perMinute", perMinute);
        return m;
    }

    private Object running(Input in) {
        return queue.running().stream().map(t -> Views.running(t, in.withArgs())).toList();
    }

    private Object scheduled(Input in) {
        int limit = Filters.limit(in.query());
        PendingFilter filter = Filters.pending(in.query());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", queue.pendingTasks(filter, limit).stream().map(t -> Views.pending(t, in.withArgs())).toList());
        m.put("limit", limit);
        return m;
    }

    private Object failed(Input in) {
        int limit = Filters.limit(in.query());
        FailedFilter filter = Filters.failed(in.query());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", queue.failedTasks(filter, limit).stream().map(t -> Views.failed(t, in.withArgs())).toList());
        m.put("matching", queue.countFailed(filter));
        m.put("limit", limit);
        return m;
    }

    /** Live foremen ({@link TaskQueue#foremen()}) and gone ones ({@link TaskQueue#goneForemen()}), newest first. */
    private Object foremen(Input in) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("live", queue.foremen().stream().map(Views::foreman).toList());
        m.put("gone", queue.goneForemen().stream().map(Views::goneForeman).toList());
        return m;
    }

    /**
     * The newest finished attempts, newest first: of one task name with {@code name}, at most {@code limit}; with the
     * queue's history retention ({@code retentionMillis}, 0 when it keeps none) so that the page can say why it is
     * empty.
     */
    private Object history(Input in) {
        int limit = Filters.limit(in.query());
        String name = Filters.taskName(in.query());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempts", queue.recentHistory(name, limit).stream().map(Views::attempt).toList());
        m.put("name", name);
        m.put("limit", limit);
        m.put("retentionMillis", queue.settings().history().toMillis());
        return m;
    }

    private Object schedules(Input in) {
        return queue.schedules().stream().map(s -> Views.schedule(s, in.withArgs())).toList();
    }

    /**
     * Whichever of pending, running or failed holds the task now, with its finished attempts ({@code attempts}, oldest
     * first); {@code finished} when none holds it but the history has attempts of it (it succeeded, was cancelled
     * while it ran, or was kept as failed and deleted since); 404 when neither.
     */
    private Object task(Input in) {
        long id = in.id();
        Map<String, Object> m = new LinkedHashMap<>();
        Optional<PendingTask> pending = queue.findPending(id);
        Optional<RunningTask> running = pending.isPresent() ? Optional.empty()
                : queue.running().stream().filter(r -> r.id() == id).findFirst();
        List<FailedTask> failed = pending.isPresent() || running.isPresent() ? List.of()
                : queue.failedTasks(FailedFilter.all().ids(id), 1);
        List<FinishedAttempt> attempts = queue.history(id);
        if (pending.isPresent()) {
            m.put("state", "pending");
            m.put("task", Views.pending(pending.get(), in.withArgs()));
        } else if (running.isPresent()) {
            m.put("state", "running");
            m.put("task", Views.running(running.get(), in.withArgs()));
        } else if (!failed.isEmpty()) {
            m.put("state", "failed");
            m.put("task", Views.failed(failed.get(0), in.withArgs()));
        } else if (!attempts.isEmpty()) {
            FinishedAttempt last = attempts.get(attempts.size() - 1);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", id);
            t.put("name", last.taskName());
            t.put("enqueuedAt", Views.iso(last.enqueuedAt()));
            t.put("finishedAt", Views.iso(last.finishedAt()));
            t.put("outcome", last.outcome().name());
            m.put("state", "finished");
            m.put("task", t);
        } else {
            return error(404, "task " + id + " is not pending, running or kept as failed, and the history has no"
                    + " attempt of it (cancelled before it ran, ended before the history's retention, or never"
                    + " enqueued)");
        }
        m.put("attempts", attempts.stream().map(Views::attempt).toList());
        return m;
    }

    private Object requeueFailed(Input in) {
        FailedFilter filter = Filters.failedSelection(in.body());
        int count = queue.requeueFailed(filter);
        audit(in, "requeued", count, filter);
        return Map.of("count", count);
    }

    private Object deleteFailed(Input in) {
        FailedFilter filter = Filters.failedSelection(in.body());
        int count = queue.deleteFailed(filter);
        audit(in, "deleted", count, filter);
        return Map.of("count", count);
    }

    private Object cancelPending(Input in) {
        PendingFilter filter = Filters.pendingSelection(in.body());
        int count = queue.cancelPending(filter);
        audit(in, "cancelled", count, filter);
        return Map.of("count", count);
    }

    private Object cancelRunning(Input in) {
        boolean cancelled = queue.cancel(in.id());
        audit(in, "asked to stop", cancelled ? 1 : 0, "task " + in.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", in.id());
        m.put("cancelled", cancelled);
        return m;
    }

    /** Body {@code {"lane":"bulk"}}: pauses or resumes it for every foreman; {@code changed} false when it was so. */
    private Object pauseOrResume(Input in, boolean pause) {
        JsonNode body = in.body();
        if (body == null || !body.isObject() || !body.path("lane").isTextual() || body.size() != 1) {
            throw new IllegalArgumentException("body must be {\"lane\":\"<name>\"}");
        }
        String lane = body.get("lane").asText();
        boolean changed = pause ? queue.pause(lane) : queue.resume(lane); // a bad name: IllegalArgumentException, 400
        DashboardRequest r = in.call().request();
        log.info("Dashboard: lane {} {} for {} from {}", lane, pause ? "paused" : "resumed",
                r.principal().map(Endpoints::nameOf).orElse("(no principal)"), r.remoteAddress());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lane", lane);
        m.put("paused", pause);
        m.put("changed", changed);
        return m;
    }

    private static void audit(Input in, String what, int count, Object selection) {
        DashboardRequest r = in.call().request();
        log.info("Dashboard: {} {} task(s) for {} from {}: {}", what, count,
                r.principal().map(Endpoints::nameOf).orElse("(no principal)"), r.remoteAddress(),
                selection);
    }

    // ---- helpers ----

    /** A principal's name for people: the user of the JDK server's {@code HttpPrincipal} (whose name is realm:user). */
    static String nameOf(java.security.Principal principal) {
        return principal instanceof com.sun.net.httpserver.HttpPrincipal h ? h.getUsername() : principal.getName();
    }

    /** The JSON body of a POST; refuses one over {@link #MAX_BODY_BYTES} or that is not JSON. */
    private static JsonNode readBody(Call call) {
        byte[] bytes;
        try (InputStream in = call.body().open()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("body must be a JSON object, was empty");
            }
            return node;
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString();
            throw new IllegalArgumentException("body is not valid JSON: " + detail, e);
        }
    }

    /** The query's parameters, decoded; the first value of each. */
    static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("query holds a malformed %-escape: " + s, e);
        }
    }

    static Reply json(int status, Object body) {
        try {
            return Reply.of(status, Reply.JSON, "no-store", JSON.writeValueAsBytes(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the dashboard's JSON", e);
        }
    }

    static Reply error(int status, String message) {
        return json(status, Map.of("error", message));
    }
}
