-- dbmq 0.2: a foreman claims only the task names it has handlers for (issue #9: during a rolling deploy, old foremen
-- must leave a new task type queued for the new ones). Claims read this index, one range per handled name in id
-- order, so tasks of other names pending in any number are never scanned.
CREATE INDEX dbmq_task_name_id_ix ON dbmq_task (task_name, id);
