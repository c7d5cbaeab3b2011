-- Decisions on price suggestions now come with the scheduled ingest (domain/migrations/052 gives them change
-- capture), like every table of the booking system: these are the columns the ingest writes besides the decision's
-- own. Decisions are immutable at the source, so each id arrives once per full copy; the table keeps its
-- ReplacingMergeTree on the decision id (its sort key), which folds a row copied twice (a full re-ingest, or the
-- on-demand copy of `spirit-ml quote labels`), and the acceptance mart (053) counts decisions by id.
ALTER TABLE suggestion_decisions
  ADD COLUMN IF NOT EXISTS change_xid UInt64 DEFAULT 0,
  ADD COLUMN IF NOT EXISTS created_at DateTime64(6, 'UTC') DEFAULT decided_at,
  ADD COLUMN IF NOT EXISTS updated_at DateTime64(6, 'UTC') DEFAULT decided_at,
  ADD COLUMN IF NOT EXISTS is_deleted UInt8 DEFAULT 0;
