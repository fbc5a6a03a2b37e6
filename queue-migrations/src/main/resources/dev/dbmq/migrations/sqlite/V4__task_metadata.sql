-- dbmq 0.4 (issue #14): metadata carried with a task from its producer to its handler, e.g. the producer's trace
-- context (W3C traceparent) for queue-opentelemetry. The PostgreSQL twin is ../postgresql/V4__task_metadata.sql.
-- A JSON object of string values, written by enqueue interceptors (EnqueueInterceptor), read into TaskContext.metadata.
-- NULL (most tasks: no interceptor) costs a row nothing; rows pending from 0.3 have none and run as before.
ALTER TABLE dbmq_task ADD COLUMN metadata TEXT;
-- Kept with a failed task, so a requeued task carries it again.
ALTER TABLE dbmq_failed_task ADD COLUMN metadata TEXT;
