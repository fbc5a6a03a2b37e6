package dev.dbmq.spring;

import dev.dbmq.Foreman;

/**
 * A bean that adjusts the application's foreman before it starts, for what has no property: e.g.
 * {@code builder -> builder.workerThreadFactory(Thread.ofVirtual().factory())} on JDK 21+. Runs after the
 * {@code dbmq.foreman.*} properties and the handler beans are applied; what it throws fails the start.
 */
@FunctionalInterface
public interface ForemanCustomizer {
    void customize(Foreman.Builder builder);
}
