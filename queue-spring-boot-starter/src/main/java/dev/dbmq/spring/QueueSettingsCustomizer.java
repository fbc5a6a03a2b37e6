package dev.dbmq.spring;

import dev.dbmq.QueueSettings;

/**
 * A bean that adjusts the queue's settings before it opens, for what has no property: e.g. an
 * {@code objectMapper(…)} for args, or a test's clock. Runs after the {@code dbmq.*} properties are applied; what it
 * throws fails the start.
 */
@FunctionalInterface
public interface QueueSettingsCustomizer {
    void customize(QueueSettings.Builder builder);
}
