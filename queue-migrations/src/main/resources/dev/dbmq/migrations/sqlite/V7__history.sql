-- Finished attempts, kept for QueueSettings.history(retention), and done/failed counts per minute: what the console,
-- the CLI and TaskQueue.history() show. Both are written by the foremen with their counts (about once a second, one
-- multi-row insert, no write per task) and pruned by them in small batches, so no long transaction ever holds the
-- write lock a claim needs. The PostgreSQL twin is ../postgresql/V7__history.sql. Also two indexes for the console,
-- so its reads stay seeks however much is queued: failed tasks by name, newest first; retries by name.
CREATE TABLE dbmq_history (
    seq         INTEGER PRIMARY KEY,    -- write order (rowid): pruning walks it from the oldest
    id          BIGINT  NOT NULL,       -- the task id
    task_name   TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,       -- 1 for the first attempt
    outcome     TEXT    NOT NULL,       -- FinishedAttempt.Outcome: SUCCEEDED, RETRIED, FAILED, ...
    created_at  BIGINT  NOT NULL,       -- the task's enqueue, epoch ms
    started_at  BIGINT  NOT NULL,       -- the attempt's start, epoch ms
    finished_at BIGINT  NOT NULL,       -- its end, epoch ms
    foreman_id  TEXT,                   -- the foreman that ran it (dbmq_foreman.id); NULL: a manual foreman
    error       TEXT                    -- a failed attempt's exception, one line; NULL otherwise
);
CREATE INDEX dbmq_history_id_ix ON dbmq_history (id);
CREATE INDEX dbmq_history_name_ix ON dbmq_history (task_name, seq);

CREATE TABLE dbmq_task_minute (
    task_name TEXT   NOT NULL,
    minute    BIGINT NOT NULL,          -- epoch minutes of the attempts' ends
    done      BIGINT NOT NULL,
    failed    BIGINT NOT NULL,
    CONSTRAINT dbmq_task_minute_pk PRIMARY KEY (task_name, minute)
) WITHOUT ROWID;

CREATE INDEX dbmq_failed_task_name_ix ON dbmq_failed_task (task_name, failed_at);
-- Retries per task name, for the console's overview: only retries are in it, so a first attempt's insert skips it.
CREATE INDEX dbmq_task_retry_ix ON dbmq_task (task_name) WHERE attempt > 1;
