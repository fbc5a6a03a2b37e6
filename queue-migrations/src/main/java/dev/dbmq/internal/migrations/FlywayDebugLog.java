package dev.dbmq.internal.migrations;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's log for dbmq's own migrations: its INFO lines (environment, database, "validated", "migrating to
 * version 2", nine at a first open) go to SLF4J at DEBUG, so a queue opening in an application's JVM does not fill
 * its console; warnings and errors keep their level. dbmq logs one INFO line of its own when a queue opens.
 *
 * <p>Public only because Flyway instantiates it by class name ({@code loggers(...)}, through
 * {@code Class.forName} and a public no-argument constructor); not for applications' use.
 */
public final class FlywayDebugLog implements LogCreator {

    public FlywayDebugLog() {
    }

    @Override
    public Log createLogger(Class<?> clazz) {
        Logger logger = LoggerFactory.getLogger(clazz);
        return new Log() {
            @Override
            public boolean isDebugEnabled() {
                return logger.isDebugEnabled();
            }

            @Override
            public void debug(String message) {
                logger.debug(message);
            }

            @Override
            public void info(String message) {
                logger.debug(message);
            }

            @Override
            public void notice(String message) {
                logger.debug(message); // Flyway's edition and upgrade notices
            }

            @Override
            public void warn(String message) {
                logger.warn(message);
            }

            @Override
            public void error(String message) {
                logger.error(message);
            }

            @Override
            public void error(String message, Exception e) {
                logger.error(message, e);
            }
        };
    }
}
