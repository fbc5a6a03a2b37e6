-- Limits per key (Task.limitBy(key, n)). The SQLite twin is ../sqlite/V11__limit_keys.sql, which says why each change
-- is made. ADD COLUMN without a default rewrites no row; the new index is partial and starts empty (no pending task
-- has a key before this version), so it builds at once.
ALTER TABLE dbmq_task ADD COLUMN limit_key TEXT;
COMMENT ON COLUMN dbmq_task.limit_key IS 'Task.limitBy''s key of the args, or NULL for a type without limitBy';

CREATE INDEX dbmq_task_limit_key_ix ON dbmq_task (task_name, limit_key, priority, due_at, id)
    WHERE limit_key IS NOT NULL;

ALTER TABLE dbmq_running ADD COLUMN limit_key TEXT;
ALTER TABLE dbmq_failed_task ADD COLUMN limit_key TEXT;
