package dev.dbmq.dashboard;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dashboard on a small HTTP server of its own (the JDK's), for an application without a web server or an operator
 * on the queue's host: the page at {@link #url()}, the API below it.
 *
 * <pre>{@code
 * try (DashboardServer server = DashboardServer.builder(Dashboard.builder(queue).access(r -> Access.FULL).build())
 *         .port(8089).token(System.getenv("DBMQ_DASHBOARD_TOKEN")).start()) {
 *     System.out.println("Dashboard at " + server.url() + "?token=…");
 *     …
 * }
 * }</pre>
 *
 * <p>Policy. It binds the loopback address {@value #DEFAULT_BIND_ADDRESS} unless told otherwise, so only this host
 * reaches it (through an SSH tunnel, say). Another address is accepted as asked, without auth too, but then anyone who
 * reaches that address has what the dashboard's resolver gives an anonymous caller, and it is logged at WARN: set a
 * {@link Builder#token token} or {@link Builder#basicAuth basic auth} (or both refused: one at a time), and put TLS in
 * front (a reverse proxy passing the {@code Host} header on), since this server speaks plain HTTP and credentials
 * would cross the network readable. With a token, a browser opens {@code url()?token=…} once: it is answered with a
 * cookie (HttpOnly, SameSite=Strict, holding a random session value, not the token) and sent to the page without the
 * token in its address; scripts send {@code Authorization: Bearer …}. The authenticated caller reaches the
 * dashboard's resolver as its {@link DashboardRequest#principal() principal} ({@code "token"} or the basic-auth
 * user). It serves requests on 4 daemon threads.
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);

    /** The address bound unless {@link Builder#bindAddress} says otherwise: this host only. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** The threads serving requests. */
    static final int THREADS = 4;
    /** The session cookie a token login sets. */
    static final String COOKIE = "dbmq_dashboard";
    /** Shortest token accepted: guessing it must not be practical. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DashboardServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** A server for {@code dashboard}. */
    public static Builder builder(Dashboard dashboard) {
        return new Builder(Objects.requireNonNull(dashboard, "dashboard"));
    }

    /** The page's address, with the port actually bound: {@code http://127.0.0.1:8089/}. */
    public URI url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
    }

    /** The address and port bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops accepting requests, lets those in progress end (up to 1 s), and stops the threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(1); // waits for exchanges in progress, at most 1 s
        threads.shutdown();
        try {
            threads.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How a {@link DashboardServer} is set up; {@link #start()} starts it. */
    public static final class Builder {

        private final Dashboard dashboard;
        private int port;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private String token;
        private String basicUser;
        private String basicPassword;

        private Builder(Dashboard dashboard) {
            this.dashboard = dashboard;
        }

        /** The port, 0 to 65535; 0 (the default) takes any free port, which {@link #url()} tells. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address to bind: an IP address or host name. Defaults to {@value #DEFAULT_BIND_ADDRESS}, this host only;
         * {@code 0.0.0.0} (every interface) or a public address is accepted, and with no token or basic auth it is
         * logged at WARN: see the class comment before you do.
         */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * Asks every request for this token: {@code Authorization: Bearer <token>}, or {@code ?token=<token>} once,
         * which sets a session cookie.
         *
         * @param token at least {@value #MIN_TOKEN_LENGTH} characters
         */
        public Builder token(String token) {
            if (token == null || token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("token must be at least " + MIN_TOKEN_LENGTH + " characters, was "
                        + (token == null ? "null" : token.length() + " characters"));
            }
            this.token = token;
            return this;
        }

        /** Asks every request for HTTP basic auth with this user and password (send it over TLS only). */
        public Builder basicAuth(String user, String password) {
            if (user == null || user.isEmpty() || user.contains(":")) {
                throw new IllegalArgumentException("user must be a non-empty text without ':', was "
                        + (user == null ? "null" : '"' + user + '"'));
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("password must be a non-empty text");
            }
            this.basicUser = user;
            this.basicPassword = password;
            return this;
        }

        /**
         * Binds and starts serving.
         *
         * @throws IllegalStateException when both a token and basic auth are set
         * @throws UncheckedIOException  when the address can't be bound (the port is taken, say)
         */
        public DashboardServer start() {
            if (token != null && basicUser != null) {
                throw new IllegalStateException("token and basicAuth are both set: choose one");
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(bindAddress);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bindAddress is not an address or known host name, was \""
                        + bindAddress + "\"", e);
            }
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(address, port), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("could not bind the dashboard to " + bindAddress + ":" + port, e);
            }
            ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "dbmq-dashboard-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(threads);
            HttpContext context = server.createContext("/", dashboard.httpHandler());
            if (token != null) {
                context.setAuthenticator(new TokenAuthenticator(token));
            } else if (basicUser != null) {
                context.setAuthenticator(new Basic(basicUser, basicPassword));
            } else if (!address.isLoopbackAddress()) {
                log.warn("The dashboard is served on {}:{} without a token or basic auth: whoever reaches that address"
                        + " has what its access resolver gives an anonymous caller", bindAddress, port);
            }
            server.start();
            DashboardServer started = new DashboardServer(server, threads);
            log.info("Dashboard at {}{}", started.url(), token != null ? " (token required)"
                    : basicUser != null ? " (basic auth required)" : "");
            return started;
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** HTTP basic auth against one user, compared in constant time. */
    private static final class Basic extends BasicAuthenticator {

        private final String user;
        private final String password;

        Basic(String user, String password) {
            super("dbmq dashboard", StandardCharsets.UTF_8);
            this.user = user;
            this.password = password;
        }

        @Override
        public boolean checkCredentials(String user, String password) {
            return same(user, this.user) & same(password, this.password);
        }
    }

    /**
     * The bearer token, its one-time query form, and the session cookie that form sets. The cookie holds a random
     * value of this server's, never the token.
     */
    private static final class TokenAuthenticator extends Authenticator {

        private static final HttpPrincipal PRINCIPAL = new HttpPrincipal("token", "dbmq dashboard");

        private final String token;
        private final String session;

        TokenAuthenticator(String token) {
            this.token = token;
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            this.session = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }

        @Override
        public Result authenticate(HttpExchange exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    && same(authorization.substring(7).trim(), token)) {
                return new Success(PRINCIPAL);
            }
            for (String cookies : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
                for (String cookie : cookies.split(";")) {
                    String c = cookie.trim();
                    if (c.startsWith(COOKIE + "=") && same(c.substring(COOKIE.length() + 1), session)) {
                        return new Success(PRINCIPAL);
                    }
                }
            }
            String query = exchange.getRequestURI().getRawQuery();
            String sent;
            try {
                sent = query == null ? null : Endpoints.query(query).get("token");
            } catch (IllegalArgumentException e) { // a malformed %-escape: no token
                sent = null;
            }
            if (sent != null && same(sent, token)) {
                // a login: the cookie, and the page again without the token in its address (or the browser's history)
                exchange.getResponseHeaders().set("Set-Cookie", COOKIE + "=" + session
                        + "; Path=/; HttpOnly; SameSite=Strict");
                exchange.getResponseHeaders().set("Location", exchange.getRequestURI().getRawPath());
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                return new Retry(303);
            }
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"dbmq dashboard\"");
            return new Retry(401);
        }
    }
}
