-- Rate limits spaced evenly (Task.rate(n, per)): under a backlog a type's starts come one per/n apart, on slots that
-- follow one another, instead of n at once each time the window lets them. Each start records its slot; the next
-- claim takes the slot after the latest one (or its own time when none is recent). A start keeps its started_at,
-- which the window counts (at most n in any period). Rows written before this version, or by a foreman of an earlier
-- release during a rolling deploy, have no slot: the claims that follow pace from their own time. The PostgreSQL twin
-- is ../postgresql/V13__rate_slots.sql.
ALTER TABLE dbmq_rate_start ADD COLUMN slot_at BIGINT; -- the start's slot, epoch ns
