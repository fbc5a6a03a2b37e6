-- dbmq 0.3 (issue #12): run-at, retries, unique keys, recurring schedules. The PostgreSQL twin is
-- ../postgresql/V3__due_times_retries_keys.sql. Rows pending from 0.2 are kept as they are and become due at once.

-- When the task may run, epoch ms. Claims take due tasks only, oldest due first. A row written by a 0.2 producer
-- during a rolling deploy gets the default 0: due at once (SQLite's ADD COLUMN takes constants only).
ALTER TABLE dbmq_task ADD COLUMN due_at BIGINT NOT NULL DEFAULT 0;
UPDATE dbmq_task SET due_at = created_at;
-- 1 for the first attempt; a retry is written as a new row (same id) with attempt + 1.
ALTER TABLE dbmq_task ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
-- Enqueue.key(…): unique among pending tasks; freed when the task is claimed. Recurring instances hold
-- 'dbmq:recurring:<schedule name>'. The index is partial: a task without a key (most) costs it nothing to insert or
-- claim; upserts name its predicate (ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL).
ALTER TABLE dbmq_task ADD COLUMN unique_key TEXT;
-- A recurring instance's Schedule.spec(): the claim that takes it writes the next instance from it.
ALTER TABLE dbmq_task ADD COLUMN schedule TEXT;
CREATE UNIQUE INDEX dbmq_task_unique_key_ux ON dbmq_task (unique_key) WHERE unique_key IS NOT NULL;

-- Claims read one range of this index per handled name: due tasks in due order, so any number of future-dated rows
-- is never scanned; MIN(due_at) per name (the foreman's next wakeup) is one seek. Replaces V2's (task_name, id).
DROP INDEX dbmq_task_name_id_ix;
CREATE INDEX dbmq_task_name_due_ix ON dbmq_task (task_name, due_at, id);

-- Attempts made before the task was kept here (0.2's rows: 1).
ALTER TABLE dbmq_failed_task ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
