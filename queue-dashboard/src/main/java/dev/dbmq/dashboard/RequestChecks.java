package dev.dbmq.dashboard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The cross-site request forgery checks, as pure functions of a request: each returns why it refuses, or null.
 *
 * <p>A mutating call must be a POST with a JSON body ({@code Content-Type: application/json}, which a plain HTML form
 * cannot send, and which makes a browser ask CORS before sending it cross-origin), carry the dashboard's token in
 * {@value #TOKEN_HEADER} (which only a page of the same origin can read from {@code api/session}), and must not come
 * from another site as the browser tells it: an {@code Origin} whose host and port differ from {@code Host}, or a
 * {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}. Each check alone stops the usual forgery;
 * together they hold if one is bypassed (an old browser without {@code Sec-Fetch-*}, a proxy that drops
 * {@code Origin}). What they give up: a reverse proxy must pass the client's {@code Host} on (or none of
 * {@code Origin}), or mutating calls through it are refused.
 */
final class RequestChecks {

    /** The header carrying the token of {@code api/session}. */
    static final String TOKEN_HEADER = "X-Dbmq-Csrf";

    private RequestChecks() {
    }

    /** Why the request comes from another site as its browser says, or null. */
    static String crossSite(Call call) {
        String fetchSite = call.header("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin") && !fetchSite.equalsIgnoreCase("none")) {
            return "refused a request from another site (Sec-Fetch-Site: " + fetchSite + ")";
        }
        String origin = call.header("Origin");
        if (origin != null) {
            String host = call.header("Host");
            String originAuthority = authority(origin);
            if (originAuthority == null || host == null
                    || !originAuthority.equals(withPort(host.toLowerCase(Locale.ROOT), origin))) {
                return "refused a request from another origin (Origin: " + origin + ", Host: " + host + ")";
            }
        }
        return null;
    }

    /** Why a mutating call is refused as a possible forgery, with the status to answer; null when it passes. */
    static Refusal forMutation(Call call, String token) {
        String crossSite = crossSite(call);
        if (crossSite != null) {
            return new Refusal(403, crossSite);
        }
        String type = call.header("Content-Type");
        String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            return new Refusal(415, "Content-Type must be application/json, was " + (type == null ? "none" : type));
        }
        String sent = call.header(TOKEN_HEADER);
        if (sent == null || sent.isEmpty()) {
            return new Refusal(403, "missing " + TOKEN_HEADER + " header: send the csrfToken of api/session");
        }
        if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return new Refusal(403, "wrong " + TOKEN_HEADER + " token: reload the page");
        }
        return null;
    }

    /** A refusal: the status to answer and why. */
    record Refusal(int status, String reason) {
    }

    /** {@code host:port} of an origin such as {@code http://localhost:8080}, lower case; null when it is none. */
    private static String authority(String origin) {
        try {
            URI uri = new URI(origin);
            if (uri.getHost() == null || uri.getScheme() == null) {
                return null; // "null" (a sandboxed frame, a file: page) or garbage
            }
            int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(uri.getScheme());
            return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** The Host header with the origin scheme's default port when it names none. */
    private static String withPort(String host, String origin) {
        boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
        return hasPort ? host : host + ":" + defaultPort(origin.toLowerCase(Locale.ROOT).startsWith("https:")
                ? "https" : "http");
    }

    private static int defaultPort(String scheme) {
        return scheme.equalsIgnoreCase("https") ? 443 : 80;
    }
}
