-- Flyway callback of the `mvn -pl queue-migrations flyway:migrate` command only (not in the jar): runs on each
-- connection before Flyway creates anything. On SQLite a query of no rows. On PostgreSQL, reached when
-- -Ddbmq.vendor=postgresql was left out, the cast fails at once and its error names the flag; no schema or history
-- table is created. One line: Flyway prints the query's (empty) result under it on SQLite.
SELECT CAST('dbmq: the SQLite scripts are selected (the default); for PostgreSQL add -Ddbmq.vendor=postgresql' AS INTEGER) WHERE 1 = 0;
