package dev.dbmq.dashboard;

import com.sun.net.httpserver.HttpHandler;
import dev.dbmq.TaskQueue;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Function;

/**
 * An operator console for one queue, to mount in the application's own web server: a page (overview with the last
 * hour's throughput, running, scheduled, failed, history of finished attempts, recurring schedules, live and gone
 * foremen, one task with its attempts) and the JSON API behind it, answered under any path.
 *
 * <pre>{@code
 * Dashboard dashboard = Dashboard.builder(queue)
 *         .access(request -> isOperator(request) ? Access.FULL : Access.FORBIDDEN)
 *         .build();
 * httpServer.createContext("/dbmq", dashboard.httpHandler());         // the JDK's server
 * servletContext.addServlet("dbmq", dashboard.servlet()).addMapping("/dbmq/*"); // a servlet container
 * }</pre>
 *
 * <p>Policy. The dashboard authenticates no one: the application's server does, and its access resolver decides,
 * per request, what the caller may do ({@link Access}). Without a resolver every caller gets {@link Access#READ_ONLY}:
 * an embedded console is reachable by whoever reaches the application, and a default that let anyone requeue, delete
 * or cancel tasks (or read their args) would make forgetting the resolver a hole; read-only, it at worst shows queue
 * counts and task names. Each mutating call is checked on the server (its action, and the cross-site forgery rules
 * of a POST: JSON only, the page's token in a header, same origin), whatever the page shows; args and metadata leave
 * the server only with {@link Action#VIEW_ARGS}. The page builds its DOM from text, never from markup, and runs under
 * a Content-Security-Policy that allows only its own script and style. What it gives up: no sessions or logins of its
 * own (use the server's, or {@link DashboardServer}), and each page view reads the database every 2 seconds (a few
 * short queries; the overview's {@code stats()} is the largest).
 *
 * <p>Thread-safe; holds no threads and no connections of its own: each request uses the queue's.
 */
public final class Dashboard {

    private final Endpoints endpoints;
    private final HttpHandler httpHandler;

    private Dashboard(Builder b) {
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        this.endpoints = new Endpoints(b.queue, new GuardedResolver(b.access),
                Base64.getUrlEncoder().withoutPadding().encodeToString(token));
        this.httpHandler = new ExchangeAdapter(endpoints);
    }

    /** A dashboard of {@code queue}; every caller {@link Access#READ_ONLY} unless {@link Builder#access} says. */
    public static Builder builder(TaskQueue queue) {
        return new Builder(Objects.requireNonNull(queue, "queue"));
    }

    /**
     * The dashboard as a handler for the JDK's HTTP server, to mount at any context path: the page at
     * {@code <context>/}, the API at {@code <context>/api/…}. The caller's principal is the exchange's
     * ({@code HttpContext.setAuthenticator}). One instance, shared by every request.
     */
    public HttpHandler httpHandler() {
        return httpHandler;
    }

    /**
     * The dashboard as a servlet, to map at {@code /<prefix>/*} (or {@code /*}): the page at
     * {@code <context><prefix>/}, the API below it. The caller's principal is the request's
     * ({@code getUserPrincipal()}). A new instance each call, all answering for this dashboard. Needs the Jakarta
     * Servlet API (6.0 or later) on the class path, as a servlet container provides it; nothing else in this module
     * does.
     */
    public jakarta.servlet.http.HttpServlet servlet() {
        // Through a method typed Object: this class must load and verify where the servlet API is absent.
        return (jakarta.servlet.http.HttpServlet) DashboardServlet.create(endpoints);
    }

    /** What the core answers; for {@link DashboardServer} and tests. */
    Endpoints endpoints() {
        return endpoints;
    }

    /** How a {@link Dashboard} is built. */
    public static final class Builder {

        private final TaskQueue queue;
        private Function<? super DashboardRequest, Access> access = request -> Access.READ_ONLY;

        private Builder(TaskQueue queue) {
            this.queue = queue;
        }

        /**
         * Decides, per request, what the caller may do: called once for every request (the page's files and each
         * API call), on the server's thread, so keep it quick. It may read the request's principal, headers, remote
         * address or the server's own request object ({@link DashboardRequest#nativeRequest()}). Whatever it throws,
         * or a null it returns, refuses the request (403) and is logged at WARN. Defaults to
         * {@code request -> Access.READ_ONLY}: see the class comment for why.
         */
        public Builder access(Function<? super DashboardRequest, Access> resolver) {
            this.access = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** The dashboard. */
        public Dashboard build() {
            return new Dashboard(this);
        }
    }
}
