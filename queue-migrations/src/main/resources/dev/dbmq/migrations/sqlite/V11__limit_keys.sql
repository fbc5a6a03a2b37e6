-- Limits per key (Task.limitBy(key, n)): at most n tasks of a type with the same key run at once, across foremen,
-- and keys take turns. The key is computed from a task's args when it is enqueued and stored here; NULL for every task
-- of a type without limitBy, so existing rows (pending from before this version) are unaffected. The PostgreSQL twin
-- is ../postgresql/V11__limit_keys.sql.
ALTER TABLE dbmq_task ADD COLUMN limit_key TEXT;

-- A claim of a keyed type walks this index key by key: one seek finds the next key after the last it served, one more
-- that key's first due task, so a key whose tasks are all running or pending in any number (one customer's 100,000)
-- costs a claim one seek, not a read of its rows. Partial: tasks without a key, almost all of them, pay nothing.
CREATE INDEX dbmq_task_limit_key_ix ON dbmq_task (task_name, limit_key, priority, due_at, id)
    WHERE limit_key IS NOT NULL;

-- A running attempt keeps its key: claims count a key's running tasks here. A failed task keeps it for its requeue.
ALTER TABLE dbmq_running ADD COLUMN limit_key TEXT;
ALTER TABLE dbmq_failed_task ADD COLUMN limit_key TEXT;
