-- Who runs foremen on this queue, for TaskQueue.foremen() from any process. A foreman writes its row when it starts
-- and its state as it changes; the row stays after it stops or dies (pruned after a week), so an operator sees what
-- ran. Whether a foreman is alive is never stored, nor judged by a clock: SQLite asks the operating system for the
-- foreman's process (the database is on one host), PostgreSQL for the advisory lock each foreman holds on its LISTEN
-- session.
CREATE TABLE dbmq_foreman (
    id                 TEXT    NOT NULL CONSTRAINT dbmq_foreman_pk PRIMARY KEY, -- Foreman.id(): host:pid:random
    host               TEXT    NOT NULL,                                        -- the host name it reported
    pid                BIGINT  NOT NULL,                                        -- its process id
    process_started_at BIGINT,                  -- its process's start, epoch ms, as the OS says: tells a reused pid
    started_at         BIGINT  NOT NULL,        -- when the foreman started, epoch ms
    workers            INTEGER NOT NULL,
    handles            TEXT    NOT NULL,        -- the task names it has handlers for, comma-separated (names hold none)
    state              TEXT    NOT NULL,        -- RUNNING, STOPPED or FAILED, as the foreman last wrote it
    lock_key           INTEGER NOT NULL DEFAULT 0,  -- PostgreSQL: the key of its advisory lock; SQLite: 0, unused
    stopped_at         BIGINT                   -- when it stopped or failed, epoch ms; NULL while running or if killed
);
CREATE INDEX dbmq_foreman_started_at_ix ON dbmq_foreman (started_at);
