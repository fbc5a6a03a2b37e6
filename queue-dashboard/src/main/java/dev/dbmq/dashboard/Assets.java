package dev.dbmq.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's three files, read from the jar once: one HTML page, one script, one style sheet. No inline script or
 * style anywhere, so the Content-Security-Policy of {@link Reply#SECURITY_HEADERS} holds.
 */
final class Assets {

    private record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> byPath;

    Assets() {
        Asset page = new Asset("text/html; charset=utf-8", read("index.html"));
        this.byPath = Map.of(
                "", page,
                "index.html", page,
                "dashboard.js", new Asset("text/javascript; charset=utf-8", read("dashboard.js")),
                "dashboard.css", new Asset("text/css; charset=utf-8", read("dashboard.css")));
    }

    /** The file at {@code path} (below the mount point), or null when there is none. */
    Reply serve(String path) {
        Asset asset = byPath.get(path);
        // no-cache: revalidated on each load, so a new version of the jar shows at once
        return asset == null ? null : Reply.of(200, asset.contentType(), "no-cache", asset.bytes(), Map.of());
    }

    private static byte[] read(String name) {
        try (InputStream in = Assets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the classpath (dev/dbmq/dashboard/"
                        + name + " in the queue-dashboard jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
