package dev.dbmq.dashboard;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A {@link DashboardRequest} made by hand, for tests of the core without a server. */
record TestRequest(String method, String path, Map<String, String> headers, Principal user) implements DashboardRequest {

    TestRequest {
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        headers = lower;
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }

    @Override
    public Optional<Principal> principal() {
        return Optional.ofNullable(user);
    }

    @Override
    public Object nativeRequest() {
        return this;
    }
}
