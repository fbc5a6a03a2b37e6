-- Flyway callback of the `mvn -pl queue-migrations flyway:migrate -Ddbmq.vendor=postgresql` command only: nothing to
-- check on PostgreSQL (the sqlite-check twin guards the default). A no-op, so that both vendors have a check folder.
DO $$ BEGIN END $$;
