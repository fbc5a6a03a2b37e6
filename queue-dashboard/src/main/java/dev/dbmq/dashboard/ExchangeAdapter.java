package dev.dbmq.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard on the JDK's HTTP server: one {@link Call} per exchange, its {@link Reply} sent as it is. The mount
 * point is the exchange's context path.
 */
final class ExchangeAdapter implements HttpHandler {

    private final Endpoints endpoints;

    ExchangeAdapter(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String context = exchange.getHttpContext().getPath();
            String path = exchange.getRequestURI().getRawPath();
            String rest;
            if (context.endsWith("/")) { // "/" or "/dbmq/": the slash is the context's
                rest = path.startsWith(context) ? path.substring(context.length() - 1) : "";
            } else {
                rest = path.startsWith(context) ? path.substring(context.length()) : "";
            }
            DashboardRequest request = new ExchangeRequest(exchange, rest.startsWith("/") ? rest.substring(1) : rest);
            Reply reply = endpoints.handle(new Call(request, path, rest, exchange.getRequestURI().getRawQuery(),
                    exchange::getRequestBody));
            for (Map.Entry<String, String> h : reply.headers().entrySet()) {
                exchange.getResponseHeaders().set(h.getKey(), h.getValue());
            }
            boolean noBody = reply.body().length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        }
    }

    private record ExchangeRequest(HttpExchange exchange, String path) implements DashboardRequest {

        @Override
        public String method() {
            return exchange.getRequestMethod();
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
        }

        @Override
        public String remoteAddress() {
            InetSocketAddress a = exchange.getRemoteAddress();
            return a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        }

        @Override
        public Optional<Principal> principal() {
            return Optional.ofNullable(exchange.getPrincipal());
        }

        @Override
        public Object nativeRequest() {
            return exchange;
        }
    }
}
