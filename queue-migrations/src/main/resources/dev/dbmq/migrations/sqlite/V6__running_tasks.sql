-- One row per attempt that is running: written in the claim's transaction (the task's own row is still deleted
-- there), removed when the attempt ends, in the transaction that writes its outcome or in a later claim's. So a
-- foreman that dies mid-run leaves its attempts here, and the next foreman to take the foreman lock keeps them in
-- dbmq_failed_task as interrupted: a task once claimed is never silently gone. The PostgreSQL twin is
-- ../postgresql/V6__running_tasks.sql; TaskQueue.running() reads this table from any process.
CREATE TABLE dbmq_running (
    id                  INTEGER NOT NULL CONSTRAINT dbmq_running_pk PRIMARY KEY, -- the task id (dbmq_task.id)
    task_name           TEXT    NOT NULL,
    args                TEXT    NOT NULL,
    metadata            TEXT,
    created_at          BIGINT  NOT NULL,   -- original enqueue time, epoch ms
    due_at              BIGINT  NOT NULL,   -- when this attempt was due, epoch ms
    attempt             INTEGER NOT NULL,   -- 1 for the first attempt
    foreman_id          TEXT    NOT NULL,   -- the foreman running it: dbmq_foreman.id
    started_at          BIGINT  NOT NULL,   -- when it was claimed, epoch ms
    progress            DOUBLE,             -- reported by its handler, 0 to 1; NULL: none reported
    note                TEXT,               -- reported by its handler with its progress, for humans
    cancel_requested_at BIGINT              -- when TaskQueue.cancel asked it to stop, epoch ms; NULL: not asked
);
CREATE INDEX dbmq_running_foreman_ix ON dbmq_running (foreman_id);
