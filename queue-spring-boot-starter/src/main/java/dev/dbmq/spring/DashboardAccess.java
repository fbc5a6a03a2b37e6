package dev.dbmq.spring;

import dev.dbmq.dashboard.Access;
import dev.dbmq.dashboard.DashboardRequest;

/**
 * Decides, per request, what a caller of the operator console may do: a bean of this type replaces
 * {@code dbmq.dashboard.access}. The request's {@link DashboardRequest#nativeRequest()} is the
 * {@code jakarta.servlet.http.HttpServletRequest}, after the application's own security ran, so roles are at hand:
 *
 * <pre>{@code
 * @Bean
 * DashboardAccess dashboardAccess() {
 *     return request -> ((HttpServletRequest) request.nativeRequest()).isUserInRole("OPS")
 *             ? Access.FULL : Access.READ_ONLY;
 * }
 * }</pre>
 */
@FunctionalInterface
public interface DashboardAccess {

    /** What this request may do; {@link Access#FORBIDDEN} answers it 403. */
    Access resolve(DashboardRequest request);
}
