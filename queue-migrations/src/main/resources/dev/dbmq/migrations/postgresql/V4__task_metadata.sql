-- dbmq 0.4, PostgreSQL twin of ../sqlite/V4__task_metadata.sql (same columns and Java types).
-- Adding a nullable column without a default rewrites no rows: rows pending from 0.3 stay as they are.
ALTER TABLE dbmq_task ADD COLUMN metadata TEXT;
ALTER TABLE dbmq_failed_task ADD COLUMN metadata TEXT;
COMMENT ON COLUMN dbmq_task.metadata IS 'JSON object of strings from enqueue interceptors (e.g. a trace context), or NULL';
COMMENT ON COLUMN dbmq_failed_task.metadata IS 'the task''s metadata, kept so a requeued task carries it again';
