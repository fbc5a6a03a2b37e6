-- Priorities: Task.priority and Enqueue.priority, 0 runs first … 3 last. Within a lane a claim takes due tasks by
-- priority, then due time, then id. A task pending from before this version gets priority 1, the default, and keeps its
-- place among the others of its name. The CHECK refuses a row no claim would take (a claim reads priorities 0 to 3
-- only), so a tool that writes a task with another priority gets an error instead of a task that never runs. The
-- PostgreSQL twin is ../postgresql/V9__priorities.sql.
ALTER TABLE dbmq_task ADD COLUMN priority INTEGER NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3);

-- The claim index gains the priority before the due time: a claim reads, per name, priority 0's due range, then 1's, …
-- (one statement, stopping when it has enough), so low-priority and future-dated rows still cost a claim nothing; the
-- foreman's next wakeup is the least of one MIN(due_at) seek per priority. Replaces V3's (task_name, due_at, id).
DROP INDEX dbmq_task_name_due_ix;
CREATE INDEX dbmq_task_name_priority_due_ix ON dbmq_task (task_name, priority, due_at, id);

-- A running attempt keeps its priority: an interrupted attempt that runs again, and a retry, go back with it.
ALTER TABLE dbmq_running ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
-- A failed task keeps it too: a requeue writes it back with the priority it was enqueued with.
ALTER TABLE dbmq_failed_task ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
