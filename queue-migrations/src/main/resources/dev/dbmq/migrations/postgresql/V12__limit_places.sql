-- The places of a concurrency limit (Task.limit(n)), taken by claims with FOR UPDATE SKIP LOCKED. The SQLite twin is
-- ../sqlite/V12__limit_places.sql, which says how they are used. Rows are written by the first claim of each limited
-- type (one per place), then updated as claims take them.
CREATE TABLE dbmq_limit_place (
    task_name  TEXT    NOT NULL,
    place      INTEGER NOT NULL,
    foreman_id TEXT,
    slot       INTEGER,
    task_id    BIGINT,
    PRIMARY KEY (task_name, place)
);
COMMENT ON TABLE dbmq_limit_place IS 'places of concurrency limits (Task.limit): free when no dbmq_running record holds them';
