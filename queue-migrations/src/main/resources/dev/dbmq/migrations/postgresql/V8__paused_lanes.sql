-- Paused lanes: TaskQueue.pause(lane) writes a row, resume(lane) deletes it. Every claim of a lane reads its row in the
-- claim's own transaction, so once pause() has committed no claim of any foreman takes a task of that lane (tasks
-- already running finish). A row survives restarts: a paused lane stays paused until resumed. The SQLite twin is
-- ../sqlite/V8__paused_lanes.sql.
CREATE TABLE dbmq_paused_lane (
    lane      TEXT   NOT NULL CONSTRAINT dbmq_paused_lane_pk PRIMARY KEY, -- Task.lane(name)
    paused_at BIGINT NOT NULL                                             -- when it was paused, epoch ms
);

-- A pause or a resume wakes every foreman at once, as an enqueue does (V1's function): a resumed lane claims within
-- milliseconds, a paused one stops offering its idle workers to producers of its JVM.
CREATE TRIGGER dbmq_paused_lane_notify_tg AFTER INSERT OR DELETE ON dbmq_paused_lane
    FOR EACH STATEMENT EXECUTE FUNCTION dbmq_task_notify();
