package dev.dbmq.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbmq.FailedFilter;
import dev.dbmq.FailedTask;
import dev.dbmq.ForemanInfo;
import dev.dbmq.PendingFilter;
import dev.dbmq.PendingTask;
import dev.dbmq.QueueStats;
import dev.dbmq.RunningTask;
import dev.dbmq.TaskQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                new Route("GET", "foremen", null, in -> queue.foremen().stream().map(Views::foreman).toList()),
                new Route("GET", "task/{id}", null, this::task),
                new Route("POST", "failed/requeue", Action.REQUEUE, this::requeueFailed),
                new Route("POST", "failed/delete", Action.DELETE, this::deleteFailed),
                new Route("POST", "pending/cancel", Action.CANCEL, this::cancelPending),
                new Route("POST", "running/{id}/cancel", Action.CANCEL, this::cancelRunning));
        // Room for later endpoints (api/history, api/schedules): a row each here.
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

    private Object overview(Input in) {
        QueueStats stats = queue.stats();
        int foremen = queue.foremen().size();
        TreeSet<String> names = new TreeSet<>(stats.counts().keySet());
        names.addAll(stats.pendingByName().keySet());
        names.addAll(stats.runningByName().keySet());
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (String name : names) {
            Map<String, Object> t = new LinkedHashMap<>();
            QueueStats.TaskCounts counts = stats.counts().getOrDefault(name, new QueueStats.TaskCounts(0, 0));
            t.put("name", name);
            t.put("pending", stats.pendingByName().getOrDefault(name, 0L));
            // TODO(QueueStats): per-name due, scheduled and retrying: QueueStats has them only as totals (due,
            //  scheduled, retrying) beside pendingByName. Add dueByName, scheduledByName and retryingByName to
            //  QueueStats (one grouped query in TaskStore.stats) and fill these three in; the page shows "—" for null.
            t.put("due", null);
            t.put("scheduled", null);
            t.put("retrying", null);
            t.put("running", stats.runningByName().getOrDefault(name, 0L));
            // TODO(QueueStats): failedKeptByName would save a count per name (the failed table has no task-name
            //  index); until then one count per name, and none when nothing is kept.
            t.put("failedKept", stats.failedKept() == 0 ? 0 : queue.countFailed(FailedFilter.all().taskName(name)));
            t.put("done", counts.done());
            t.put("failed", counts.failed());
            tasks.add(t);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", Instant.now().toString());
        m.put("pending", stats.pending());
        m.put("due", stats.due());
        m.put("scheduled", stats.scheduled());
        m.put("retrying", stats.retrying());
        m.put("running", stats.running());
        m.put("failedKept", stats.failedKept());
        m.put("oldestDueAge", stats.oldestTaskAge().toString());
        m.put("oldestDueAgeMillis", stats.oldestTaskAge().toMillis());
        m.put("nextDueAt", stats.nextDueAt().map(Instant::toString).orElse(null));
        m.put("foremen", foremen);
        m.put("tasks", tasks);
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

    /** Whichever of pending, running or failed holds the task now; 404 when none does. */
    private Object task(Input in) {
        long id = in.id();
        Optional<PendingTask> pending = queue.findPending(id);
        if (pending.isPresent()) {
            return Map.of("state", "pending", "task", Views.pending(pending.get(), in.withArgs()));
        }
        for (RunningTask r : queue.running()) {
            if (r.id() == id) {
                return Map.of("state", "running", "task", Views.running(r, in.withArgs()));
            }
        }
        List<FailedTask> failed = queue.failedTasks(FailedFilter.all().ids(id), 1);
        if (!failed.isEmpty()) {
            return Map.of("state", "failed", "task", Views.failed(failed.get(0), in.withArgs()));
        }
        return error(404, "task " + id + " is not pending, running or kept as failed (done, cancelled, deleted or"
                + " never enqueued)");
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
