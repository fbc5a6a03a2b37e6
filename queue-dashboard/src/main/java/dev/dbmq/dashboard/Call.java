package dev.dbmq.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * One request as the dashboard's core ({@link Endpoints}) takes it, whichever server carried it: the adapters
 * ({@link ExchangeAdapter}, {@link DashboardServlet}) build one per request, and tests build them without a server.
 *
 * @param request  what the access resolver sees; its {@link DashboardRequest#path()} is {@code rest} without the
 *                 leading slash
 * @param fullPath the request's path as sent, mount point included: where a redirect to the page points
 * @param rest     the path below the mount point: {@code ""} (the mount point without its trailing slash), or
 *                 {@code "/"} and what follows
 * @param query    the raw query string, or null
 * @param body     opens the request body (read only by POST endpoints)
 */
record Call(DashboardRequest request, String fullPath, String rest, String query, Body body) {

    /** The request body, opened at most once. */
    @FunctionalInterface
    interface Body {
        InputStream open() throws IOException;
    }

    Call {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(fullPath, "fullPath");
        Objects.requireNonNull(rest, "rest");
        Objects.requireNonNull(body, "body");
    }

    String method() {
        return request.method();
    }

    /** A header's first value, or null. */
    String header(String name) {
        return request.header(name).orElse(null);
    }
}
