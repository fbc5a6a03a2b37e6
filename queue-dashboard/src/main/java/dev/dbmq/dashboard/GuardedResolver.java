package dev.dbmq.dashboard;

import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's access resolver behind one guard: whatever it throws (an {@code AssertionError} included) or a
 * null it returns refuses the request ({@link Access#FORBIDDEN}) and is logged at WARN; nothing of it reaches the
 * server's thread.
 */
final class GuardedResolver {

    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

    private final Function<? super DashboardRequest, Access> resolver;

    GuardedResolver(Function<? super DashboardRequest, Access> resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    Access resolve(DashboardRequest request) {
        Access access;
        try {
            access = resolver.apply(request);
        } catch (Throwable t) {
            log.warn("The dashboard's access resolver threw for {} {} from {}; the request is refused (403)",
                    request.method(), request.path(), request.remoteAddress(), t);
            return Access.FORBIDDEN;
        }
        if (access == null) {
            log.warn("The dashboard's access resolver returned null for {} {} from {}; the request is refused (403)",
                    request.method(), request.path(), request.remoteAddress());
            return Access.FORBIDDEN;
        }
        return access;
    }
}
