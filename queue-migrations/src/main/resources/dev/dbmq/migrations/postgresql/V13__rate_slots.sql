-- Rate limits spaced evenly: each start records its slot. The SQLite twin is ../sqlite/V13__rate_slots.sql, which
-- says how the slots are used.
ALTER TABLE dbmq_rate_start ADD COLUMN slot_at BIGINT;
COMMENT ON COLUMN dbmq_rate_start.slot_at IS 'the start''s slot, epoch ns (rates are spaced one per/n apart)';
