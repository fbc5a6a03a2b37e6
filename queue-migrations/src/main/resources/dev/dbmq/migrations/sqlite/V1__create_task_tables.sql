-- dbmq schema, SQLite. The PostgreSQL twin (../postgresql) has the same tables, columns and Java types:
-- jOOQ classes are generated from this file and run unchanged on both.
-- Times are epoch milliseconds (BIGINT): no time zone can shift them, on either database.

-- Tasks waiting to run. The foreman deletes a row when it claims it (at-most-once).
-- AUTOINCREMENT: ids are never reused, so a task id in a log names one task forever.
CREATE TABLE dbmq_task (
    id         INTEGER NOT NULL CONSTRAINT dbmq_task_pk PRIMARY KEY AUTOINCREMENT, -- task id, ascending = enqueue order
    task_name  TEXT    NOT NULL,                                                   -- Task.name(), selects the handler
    args       TEXT    NOT NULL,                                                   -- the args record as JSON
    created_at BIGINT  NOT NULL                                                    -- enqueue time, epoch ms
);

-- Tasks that were claimed but could not run or failed: unknown name, undecodable args, or a handler that threw.
-- Nothing is dropped silently; operators list and requeue these.
CREATE TABLE dbmq_failed_task (
    id         INTEGER NOT NULL CONSTRAINT dbmq_failed_task_pk PRIMARY KEY, -- the task's original id
    task_name  TEXT    NOT NULL,
    args       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,                                            -- original enqueue time, epoch ms
    failed_at  BIGINT  NOT NULL,                                            -- when it was kept here, epoch ms
    reason     TEXT    NOT NULL                                             -- why it did not run, for humans
);
CREATE INDEX dbmq_failed_task_failed_at_ix ON dbmq_failed_task (failed_at);

-- Done/failed counts per task name, accumulated by foremen (flushed about once a second, so a crash loses at
-- most that second's increments). Operators read them from any process.
CREATE TABLE dbmq_task_count (
    task_name TEXT   NOT NULL CONSTRAINT dbmq_task_count_pk PRIMARY KEY,
    done      BIGINT NOT NULL,
    failed    BIGINT NOT NULL
);
