-- dbmq 0.2, PostgreSQL twin of ../sqlite/V2__claim_by_task_name.sql: a foreman claims only the task names it has
-- handlers for; claims read one range of this index per handled name, in id order.
CREATE INDEX dbmq_task_name_id_ix ON dbmq_task (task_name, id);
