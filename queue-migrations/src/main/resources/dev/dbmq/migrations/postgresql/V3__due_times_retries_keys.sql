-- dbmq 0.3, PostgreSQL twin of ../sqlite/V3__due_times_retries_keys.sql (same columns, Java types and indexes).
-- Rows pending from 0.2 are kept as they are and become due at once.

-- A row written by a 0.2 producer during a rolling deploy is due when it is written (SQLite's default is 0: at once).
ALTER TABLE dbmq_task ADD COLUMN due_at BIGINT NOT NULL DEFAULT 0;
UPDATE dbmq_task SET due_at = created_at;
ALTER TABLE dbmq_task ALTER COLUMN due_at SET DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT;
ALTER TABLE dbmq_task ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
ALTER TABLE dbmq_task ADD COLUMN unique_key TEXT;
ALTER TABLE dbmq_task ADD COLUMN schedule TEXT;
-- partial, as on SQLite: tasks without a key cost it nothing
CREATE UNIQUE INDEX dbmq_task_unique_key_ux ON dbmq_task (unique_key) WHERE unique_key IS NOT NULL;
COMMENT ON COLUMN dbmq_task.due_at IS 'when the task may run, epoch ms; claims take due tasks, oldest due first';
COMMENT ON COLUMN dbmq_task.attempt IS '1 for the first attempt; a retry is a new row (same id) with attempt + 1';
COMMENT ON COLUMN dbmq_task.unique_key IS 'Enqueue.key(…), unique among pending tasks; recurring: dbmq:recurring:<name>';
COMMENT ON COLUMN dbmq_task.schedule IS 'a recurring instance''s Schedule.spec(); its claim writes the next instance';

DROP INDEX dbmq_task_name_id_ix;
CREATE INDEX dbmq_task_name_due_ix ON dbmq_task (task_name, due_at, id);

ALTER TABLE dbmq_failed_task ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
COMMENT ON COLUMN dbmq_failed_task.attempts IS 'attempts made before the task was kept here';
