/** dbmq's schema, as Flyway migrations: where they are, for an application that runs them itself. */
package dev.dbmq.migrations;
