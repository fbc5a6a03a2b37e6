package dev.dbmq.dashboard;

import java.security.Principal;
import java.util.Optional;

/**
 * One request to the dashboard, as the application's access resolver ({@link Dashboard.Builder#access}) sees it,
 * whichever server carried it. Read-only; valid only during the resolver's call.
 */
public interface DashboardRequest {

    /** The HTTP method, upper case: {@code GET}, {@code POST}, … */
    String method();

    /**
     * The path below the dashboard's mount point, without a leading slash: {@code ""} for the page,
     * {@code "api/failed"}, {@code "api/failed/requeue"}, {@code "api/running/42/cancel"}. The same wherever the
     * dashboard is mounted.
     */
    String path();

    /** The first value of a request header, by name (case-insensitive), or empty. */
    Optional<String> header(String name);

    /** The client's IP address as the server saw it (a proxy's, behind one). */
    String remoteAddress();

    /**
     * Who the server authenticated, if it did: {@code HttpExchange.getPrincipal()} (an {@code Authenticator} on the
     * JDK's server, or {@link DashboardServer}'s token or basic auth), {@code HttpServletRequest.getUserPrincipal()}
     * in a servlet container. The JDK server's {@code HttpPrincipal} is named {@code realm:user}: its
     * {@code getUsername()} is the user alone.
     */
    Optional<Principal> principal();

    /**
     * The server's own request object, for what this interface does not carry (a session, an attribute your
     * security filter set): a {@code com.sun.net.httpserver.HttpExchange} from {@link Dashboard#httpHandler()} and
     * {@link DashboardServer}, a {@code jakarta.servlet.http.HttpServletRequest} from {@link Dashboard#servlet()}.
     */
    Object nativeRequest();
}
