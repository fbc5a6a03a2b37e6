-- One row per attempt that is running: written in the claim's transaction (the task's own row is still deleted
-- there), so a foreman that dies mid-run leaves its attempts here, and the next foreman to take the foreman lock keeps
-- them in dbmq_failed_task as interrupted: a task once claimed is never silently gone. A row is a worker slot of a
-- foreman: a claim writes its task over the row of an attempt that ended in that slot (one statement, no delete), and
-- a foreman clears the rows of ended attempts when it goes idle; so a foreman never has more rows than workers, and
-- the table stays small enough to need no index but its key. The PostgreSQL twin is
-- ../postgresql/V6__running_tasks.sql; TaskQueue.running() reads this table from any process.
CREATE TABLE dbmq_running (
    foreman_id          TEXT    NOT NULL,   -- the foreman running it: dbmq_foreman.id
    slot                INTEGER NOT NULL,   -- the worker slot of that foreman, 0 to workers - 1
    id                  BIGINT  NOT NULL,   -- the task id (dbmq_task.id while it was pending)
    task_name           TEXT    NOT NULL,
    args                TEXT    NOT NULL,
    metadata            TEXT,
    created_at          BIGINT  NOT NULL,   -- original enqueue time, epoch ms
    due_at              BIGINT  NOT NULL,   -- when this attempt was due, epoch ms
    attempt             INTEGER NOT NULL,   -- 1 for the first attempt
    started_at          BIGINT  NOT NULL,   -- when it was claimed, epoch ms
    max_attempts        INTEGER,            -- at least once: its task's attempts, within which an interrupted
                                            -- attempt runs again; NULL: at most once, kept as interrupted
    progress            DOUBLE,             -- reported by its handler, 0 to 1; NULL: none reported
    note                TEXT,               -- reported by its handler with its progress, for humans
    cancel_requested_at BIGINT,             -- when TaskQueue.cancel asked it to stop, epoch ms; NULL: not asked
    CONSTRAINT dbmq_running_pk PRIMARY KEY (foreman_id, slot)
) WITHOUT ROWID;
