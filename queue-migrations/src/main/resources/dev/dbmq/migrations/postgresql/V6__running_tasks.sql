-- One row per attempt that is running: written in the claim's transaction (the task's own row is still deleted
-- there), so a foreman that dies mid-run leaves its attempts here, where the next foreman to find its liveness lock
-- free keeps them in dbmq_failed_task as interrupted: a task once claimed is never silently gone. A row is a worker
-- slot of a foreman: a claim writes its task over the row of an attempt that ended in that slot (one statement, no
-- delete), and a foreman clears the rows of ended attempts when it goes idle; so a foreman never has more rows than
-- workers. The SQLite twin is ../sqlite/V6__running_tasks.sql; TaskQueue.running() reads this table from any process.
CREATE TABLE dbmq_running (
    foreman_id          TEXT             NOT NULL,
    slot                INTEGER          NOT NULL,
    id                  BIGINT           NOT NULL,
    task_name           TEXT             NOT NULL,
    args                TEXT             NOT NULL,
    metadata            TEXT,
    created_at          BIGINT           NOT NULL,
    due_at              BIGINT           NOT NULL,
    attempt             INTEGER          NOT NULL,
    started_at          BIGINT           NOT NULL,
    max_attempts        INTEGER,
    progress            DOUBLE PRECISION,
    note                TEXT,
    cancel_requested_at BIGINT,
    CONSTRAINT dbmq_running_pk PRIMARY KEY (foreman_id, slot)
);
COMMENT ON TABLE dbmq_running IS 'attempts running now, a row per worker slot: TaskQueue.running(); settled when their foreman dies';
COMMENT ON COLUMN dbmq_running.foreman_id IS 'the foreman running it: dbmq_foreman.id';
COMMENT ON COLUMN dbmq_running.slot IS 'the worker slot of that foreman, 0 to workers - 1';
COMMENT ON COLUMN dbmq_running.id IS 'the task id (dbmq_task.id while it was pending)';
COMMENT ON COLUMN dbmq_running.due_at IS 'when this attempt was due, epoch ms';
COMMENT ON COLUMN dbmq_running.attempt IS '1 for the first attempt';
COMMENT ON COLUMN dbmq_running.started_at IS 'when it was claimed, epoch ms';
COMMENT ON COLUMN dbmq_running.max_attempts IS 'at least once: the attempts its task may use, so an interrupted attempt runs again within them; NULL: at most once, kept as interrupted';
COMMENT ON COLUMN dbmq_running.progress IS 'reported by its handler, 0 to 1; NULL: none reported';
COMMENT ON COLUMN dbmq_running.note IS 'reported by its handler with its progress, for humans';
COMMENT ON COLUMN dbmq_running.cancel_requested_at IS 'when TaskQueue.cancel asked it to stop, epoch ms; NULL: not asked';
