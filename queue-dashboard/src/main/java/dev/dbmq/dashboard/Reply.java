package dev.dbmq.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One response of the dashboard's core, for an adapter to send as it is: status, headers (the security headers
 * included: {@link #SECURITY_HEADERS}) and body.
 */
record Reply(int status, Map<String, String> headers, byte[] body) {

    /**
     * On every response, the page's, the API's and every refusal: the page runs only its own script and style
     * (no inline code, so injected markup could not run even if some were rendered), is never framed, its types are
     * not sniffed, and no Referer leaves it.
     */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                    + " frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    static final String JSON = "application/json; charset=utf-8";

    Reply {
        headers = Map.copyOf(headers);
    }

    /** A response with the security headers, {@code Content-Type} and, for the API, {@code Cache-Control: no-store}. */
    static Reply of(int status, String contentType, String cacheControl, byte[] body, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        headers.put("Cache-Control", cacheControl);
        headers.putAll(extra);
        return new Reply(status, headers, body);
    }

    /** A redirect with no body. */
    static Reply redirect(int status, String location) {
        return of(status, null, "no-store", new byte[0], Map.of("Location", location));
    }

    String header(String name) {
        return headers.get(name);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
