package dev.dbmq.spring;

import dev.dbmq.TaskQueue;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator's {@code dbmq} health indicator ({@code management.health.dbmq.enabled}; what makes it DOWN is in
 * {@link DbmqHealthIndicator}) and info contributor ({@code management.info.dbmq.enabled}), each only when its part of
 * Actuator is on the classpath.
 */
@AutoConfiguration(after = DbmqAutoConfiguration.class)
@ConditionalOnBean(TaskQueue.class)
public class DbmqActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("dbmq")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "dbmqHealthIndicator")
        DbmqHealthIndicator dbmqHealthIndicator(TaskQueue queue, DbmqProperties properties,
                                                ObjectProvider<ForemanLifecycle> foreman) {
            Duration maxOldestAge = properties.getHealth().getMaxOldestAge();
            if (maxOldestAge != null && (maxOldestAge.isZero() || maxOldestAge.isNegative())) {
                throw new InvalidConfigurationPropertyValueException("dbmq.health.max-oldest-age", maxOldestAge,
                        "must be positive, or unset for no backlog rule");
            }
            return new DbmqHealthIndicator(queue, maxOldestAge, foreman.getIfAvailable());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
    @ConditionalOnEnabledInfoContributor("dbmq")
    static class Info {
        @Bean
        @ConditionalOnMissingBean(name = "dbmqInfoContributor")
        DbmqInfoContributor dbmqInfoContributor(TaskQueue queue, DbmqProperties properties,
                                                ObjectProvider<ForemanLifecycle> foreman) {
            return new DbmqInfoContributor(queue, properties, foreman.getIfAvailable());
        }
    }
}
