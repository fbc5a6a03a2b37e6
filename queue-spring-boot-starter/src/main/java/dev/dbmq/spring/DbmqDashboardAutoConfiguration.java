package dev.dbmq.spring;

import dev.dbmq.TaskQueue;
import dev.dbmq.dashboard.Access;
import dev.dbmq.dashboard.Dashboard;
import jakarta.servlet.http.HttpServlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * The operator console (queue-dashboard) as a servlet of the application's web server at {@code dbmq.dashboard.path}
 * ({@code /dbmq}), when {@code dbmq.dashboard.enabled} is true: off by default, since it shows what the queue holds.
 * The application's own security (a Spring Security filter chain) runs before it, as for any servlet; what a caller
 * may then do is a {@link DashboardAccess} bean's decision, or else {@code dbmq.dashboard.access} (read-only unless
 * set to FULL). Its changes are guarded against cross-site forgery by the console itself (a token in a header, the
 * request's origin), so a Spring Security CSRF filter may exempt the path.
 */
@AutoConfiguration(after = DbmqAutoConfiguration.class)
@ConditionalOnClass(name = {"dev.dbmq.dashboard.Dashboard", "jakarta.servlet.http.HttpServlet"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "dbmq.dashboard", name = "enabled", havingValue = "true")
@ConditionalOnBean(TaskQueue.class)
public class DbmqDashboardAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public Dashboard dbmqDashboard(TaskQueue queue, DbmqProperties properties,
                                   ObjectProvider<DashboardAccess> access) {
        DashboardAccess resolver = access.getIfAvailable();
        Access fixed = properties.getDashboard().getAccess() == DbmqProperties.Dashboard.AccessLevel.FULL
                ? Access.FULL : Access.READ_ONLY;
        return Dashboard.builder(queue)
                .access(resolver != null ? resolver::resolve : request -> fixed)
                .build();
    }

    @Bean
    public ServletRegistrationBean<HttpServlet> dbmqDashboardServlet(Dashboard dashboard,
                                                                     DbmqProperties properties) {
        String path = properties.getDashboard().getPath();
        if (path == null || !path.matches("(/[A-Za-z0-9._~-]+)+")) {
            throw new IllegalArgumentException("dbmq.dashboard.path must be a path such as /dbmq (segments of"
                    + " letters, digits, '.', '_', '~' or '-', no trailing slash), was " + path);
        }
        ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(dashboard.servlet(),
                path + "/*");
        registration.setName("dbmqDashboard");
        return registration;
    }
}
