-- The places of a concurrency limit (Task.limit(n)): on PostgreSQL a claim takes free places of a limited type with
-- FOR UPDATE SKIP LOCKED, so foremen claim side by side instead of taking turns under a lock. A place is free when
-- no running task holds it: its holder (foreman_id, slot, task_id) names a dbmq_running record that is gone, or none.
-- SQLite does not use the table (one foreman claims at a time there, so a count of the running tasks is exact and
-- needs no lock); it is here so that both databases have the same tables. The PostgreSQL twin is
-- ../postgresql/V12__limit_places.sql.
CREATE TABLE dbmq_limit_place (
    task_name  TEXT    NOT NULL,  -- Task.name() of a type with a limit
    place      INTEGER NOT NULL,  -- 1 to its limit
    foreman_id TEXT,              -- the running task that holds it, as dbmq_running names it; NULL: never held
    slot       INTEGER,
    task_id    BIGINT,
    PRIMARY KEY (task_name, place)
);
