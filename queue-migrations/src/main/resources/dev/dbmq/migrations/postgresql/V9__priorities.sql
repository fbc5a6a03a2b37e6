-- Priorities: Task.priority and Enqueue.priority, 0 runs first … 3 last. The SQLite twin is ../sqlite/V9__priorities.sql,
-- which says why each change is made. ADD COLUMN with a constant default rewrites no row (PostgreSQL 11 and later);
-- the new index is built while the table is locked against writes: on a large backlog, upgrade in a quiet moment.
ALTER TABLE dbmq_task ADD COLUMN priority INTEGER NOT NULL DEFAULT 1
    CONSTRAINT dbmq_task_priority_ck CHECK (priority BETWEEN 0 AND 3);
COMMENT ON COLUMN dbmq_task.priority IS 'Task.priority or Enqueue.priority: 0 runs first, 3 last';

DROP INDEX dbmq_task_name_due_ix;
CREATE INDEX dbmq_task_name_priority_due_ix ON dbmq_task (task_name, priority, due_at, id);

ALTER TABLE dbmq_running ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
ALTER TABLE dbmq_failed_task ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
