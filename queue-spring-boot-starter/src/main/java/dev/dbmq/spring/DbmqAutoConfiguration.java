package dev.dbmq.spring;

import dev.dbmq.EnqueueInterceptor;
import dev.dbmq.Foreman;
import dev.dbmq.ForemanListener;
import dev.dbmq.QueueSettings;
import dev.dbmq.TaskInterceptor;
import dev.dbmq.TaskQueue;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * dbmq for a Spring Boot application: a {@link TaskQueue} (embedded SQLite by default, or PostgreSQL on the
 * application's DataSource with {@code dbmq.backend=postgres}), a {@link TransactionalTaskQueue}, and, unless
 * {@code dbmq.foreman.enabled=false}, a foreman that runs every {@link TaskHandlerBean} and {@link RecurringTaskBean}
 * of the context, started and stopped with it. {@link EnqueueInterceptor} and {@link TaskInterceptor} beans are added
 * to the queue and the foreman in their {@code @Order}. Actuator's health and info get a {@code dbmq} entry when
 * Actuator is there ({@link DbmqActuatorAutoConfiguration}); OpenTelemetry tracing when the application has an
 * {@code OpenTelemetry} bean ({@link DbmqTracingAutoConfiguration}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(DbmqProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class DbmqAutoConfiguration {

    /**
     * Opened after the application's own schema tools (Flyway, Liquibase, SQL scripts) have run: sharing a schema
     * (PostgreSQL's default, {@code public}), Flyway refuses one that dbmq's tables made non-empty before it had a
     * history table.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    public TaskQueue dbmqTaskQueue(DbmqProperties properties, ObjectProvider<DataSource> dataSource,
                                   ObjectProvider<EnqueueInterceptor> interceptors,
                                   ObjectProvider<QueueSettingsCustomizer> customizers) {
        QueueSettings.Builder settings;
        if (properties.getBackend() == DbmqProperties.Backend.POSTGRES) {
            settings = QueueSettings.postgres(postgresDataSource(dataSource));
            String schema = properties.getPostgres().getSchema();
            if (schema != null) {
                set("dbmq.postgres.schema", schema, settings::schema);
            }
        } else {
            DbmqProperties.Sqlite sqlite = properties.getSqlite();
            settings = QueueSettings.sqlite(path("dbmq.sqlite.path", sqlite.getPath()));
            set("dbmq.sqlite.synchronous", sqlite.getSynchronous(), settings::synchronous);
            set("dbmq.sqlite.busy-timeout", sqlite.getBusyTimeout(), settings::busyTimeout);
            if (sqlite.getWakeupDirectory() != null) {
                set("dbmq.sqlite.wakeup-directory", path("dbmq.sqlite.wakeup-directory", sqlite.getWakeupDirectory()),
                        settings::wakeupDirectory);
            }
        }
        set("dbmq.max-args-bytes", properties.getMaxArgsBytes(), settings::maxArgsBytes);
        set("dbmq.history", properties.getHistory(), settings::history);
        interceptors.orderedStream().forEach(settings::enqueueInterceptor);
        customizers.orderedStream().forEach(c -> c.customize(settings));
        return TaskQueue.open(settings.build());
    }

    @Bean
    @ConditionalOnMissingBean
    public TransactionalTaskQueue dbmqTransactionalTaskQueue(TaskQueue queue) {
        return new TransactionalTaskQueue(queue, queue.settings().dataSource()); // null on SQLite
    }

    @Bean
    @ConditionalOnProperty(prefix = "dbmq.foreman", name = "enabled", matchIfMissing = true)
    ForemanLifecycle dbmqForeman(TaskQueue queue, DbmqProperties properties, ConfigurableListableBeanFactory beans,
                                 ObjectProvider<ForemanListener> listeners,
                                 ObjectProvider<TaskInterceptor> interceptors,
                                 ObjectProvider<ForemanCustomizer> customizers) {
        DbmqProperties.ForemanSettings p = properties.getForeman();
        Foreman.Builder builder = Foreman.builder(queue).stopOnShutdown(false); // the context's own hook stops it
        set("dbmq.foreman.workers", p.getWorkers(), builder::workers);
        p.getLanes().forEach((lane, workers) ->
                set("dbmq.foreman.lanes." + lane, workers, n -> builder.lane(lane, n)));
        set("dbmq.foreman.batch-size", p.getBatchSize(), builder::batchSize);
        set("dbmq.foreman.graceful-timeout", p.getGracefulTimeout(), builder::gracefulTimeout);
        set("dbmq.foreman.poll-interval", p.getPollInterval(), builder::pollInterval);
        set("dbmq.foreman.unhandled-timeout", p.getUnhandledTimeout(), builder::unhandledTimeout);
        builder.drainOnStop(p.isDrainOnStop());

        Map<String, String> beanByTask = new LinkedHashMap<>();
        for (Map.Entry<String, TaskHandlerBean> e : beans.getBeansOfType(TaskHandlerBean.class).entrySet()) {
            register(builder, e.getKey(), e.getValue(), beanByTask);
        }
        if (beanByTask.isEmpty()) {
            throw new IllegalStateException("dbmq.foreman.enabled is true but the context has no TaskHandlerBean:"
                    + " define one bean per task, or set dbmq.foreman.enabled=false on a node that only enqueues");
        }
        for (Map.Entry<String, RecurringTaskBean> e : beans.getBeansOfType(RecurringTaskBean.class).entrySet()) {
            RecurringTaskBean<?> r = e.getValue();
            if (!beanByTask.containsKey(r.task().name())) {
                throw new IllegalStateException("RecurringTaskBean " + e.getKey() + " runs task " + r.task().name()
                        + ", which no TaskHandlerBean of the context handles");
            }
            try {
                r.register(builder);
            } catch (IllegalArgumentException ex) {
                throw new IllegalStateException("RecurringTaskBean " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        listeners.orderedStream().forEach(builder::listener);
        interceptors.orderedStream().forEach(builder::interceptor);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return new ForemanLifecycle(builder);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void register(Foreman.Builder builder, String beanName, TaskHandlerBean handler,
                                 Map<String, String> beanByTask) {
        dev.dbmq.Task task = handler.task();
        if (task == null) {
            throw new IllegalStateException("TaskHandlerBean " + beanName + " returned no task from task()");
        }
        String other = beanByTask.putIfAbsent(task.name(), beanName);
        if (other != null) {
            throw new IllegalStateException("TaskHandlerBeans " + other + " and " + beanName + " both handle task "
                    + task.name() + ": one bean per task");
        }
        builder.handle(task, (dev.dbmq.ContextualTaskHandler) handler);
    }

    private static DataSource postgresDataSource(ObjectProvider<DataSource> dataSource) {
        DataSource ds = dataSource.getIfUnique();
        if (ds == null) {
            throw new InvalidConfigurationPropertyValueException("dbmq.backend", "postgres",
                    "the queue needs the application's DataSource, and the context has none or several (add"
                            + " spring-boot-starter-jdbc and spring.datasource.url, or mark one @Primary)");
        }
        return ds;
    }

    private static Path path(String property, String value) {
        try {
            return Path.of(value);
        } catch (RuntimeException e) {
            throw new InvalidConfigurationPropertyValueException(property, value, String.valueOf(e.getMessage()));
        }
    }

    /** Applies a property through the core's setter, which checks it; a refusal names the property. */
    private static <T> void set(String property, T value, Consumer<T> setter) {
        try {
            setter.accept(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidConfigurationPropertyValueException(property, value, String.valueOf(e.getMessage()));
        }
    }
}
