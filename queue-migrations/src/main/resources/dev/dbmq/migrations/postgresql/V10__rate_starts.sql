-- Rate limits: a row per start of a task of a rate-limited type. The SQLite twin is ../sqlite/V10__rate_starts.sql,
-- which says how the rows are used. A claim counts them under the same transaction lock per type as a concurrency
-- limit, so two foremen never count the same free start.
CREATE TABLE dbmq_rate_start (
    task_name  TEXT   NOT NULL,
    started_at BIGINT NOT NULL
);
CREATE INDEX dbmq_rate_start_ix ON dbmq_rate_start (task_name, started_at);
COMMENT ON TABLE dbmq_rate_start IS 'starts of rate-limited task types (Task.rate), kept for one period';
COMMENT ON COLUMN dbmq_rate_start.started_at IS 'when a claim took one of its tasks, epoch ms';
