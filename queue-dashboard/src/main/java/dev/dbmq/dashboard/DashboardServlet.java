package dev.dbmq.dashboard;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard in a servlet container: one {@link Call} per request, its {@link Reply} sent as it is. The mount
 * point is the context path and servlet path ({@code /app} + {@code /dbmq} for a mapping {@code /dbmq/*}); the rest
 * is the path info. The only class of this module that uses the servlet API.
 */
final class DashboardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Endpoints endpoints;

    private DashboardServlet(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** A new servlet, typed Object so that {@link Dashboard} never names this class's supertype in its bytecode. */
    static Object create(Endpoints endpoints) {
        return new DashboardServlet(endpoints);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String rest = req.getPathInfo() == null ? "" : req.getPathInfo();
        DashboardRequest request = new ServletRequest(req, rest.startsWith("/") ? rest.substring(1) : rest);
        Reply reply = endpoints.handle(new Call(request, req.getRequestURI(), rest, req.getQueryString(),
                req::getInputStream));
        resp.setStatus(reply.status());
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            resp.setHeader(h.getKey(), h.getValue());
        }
        if (reply.body().length > 0 && !req.getMethod().equals("HEAD")) {
            resp.setContentLength(reply.body().length);
            resp.getOutputStream().write(reply.body());
        }
    }

    private record ServletRequest(HttpServletRequest req, String path) implements DashboardRequest {

        @Override
        public String method() {
            return req.getMethod();
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(req.getHeader(name));
        }

        @Override
        public String remoteAddress() {
            return req.getRemoteAddr();
        }

        @Override
        public Optional<Principal> principal() {
            return Optional.ofNullable(req.getUserPrincipal());
        }

        @Override
        public Object nativeRequest() {
            return req;
        }
    }
}
