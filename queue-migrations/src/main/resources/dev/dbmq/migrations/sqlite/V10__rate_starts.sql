-- Rate limits (Task.rate(starts, per)): a row per start of a task of a rate-limited type, written by the claim that
-- takes it, at the claiming foreman's clock. A claim of such a type counts the rows of its type within the last
-- period and takes no more than the starts left; rows older than the period are deleted by the claims that follow, so
-- the table holds at most the starts of one period per type. Types without a rate never touch it. The PostgreSQL twin
-- is ../postgresql/V10__rate_starts.sql.
CREATE TABLE dbmq_rate_start (
    task_name  TEXT   NOT NULL,   -- Task.name() of a rate-limited type
    started_at BIGINT NOT NULL    -- when a claim took one of its tasks, epoch ms
);
CREATE INDEX dbmq_rate_start_ix ON dbmq_rate_start (task_name, started_at);
