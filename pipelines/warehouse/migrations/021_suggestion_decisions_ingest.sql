-- Decisions on price suggestions come with the scheduled ingest (domain/migrations/025 gives them change
-- capture), like every table of the booking system: these are the columns the ingest writes besides the decision's
-- own. Decisions are immutable at the source, so each id arrives once per full copy; the table keeps its
-- ReplacingMergeTree on the decision id (its sort key), which folds a row copied twice (a full re-ingest), and the
-- acceptance mart (053) counts decisions by id. Rows already in the table keep change_xid 0.
ALTER TABLE suggestion_decisions
  ADD COLUMN IF NOT EXISTS change_xid UInt64 DEFAULT 0,
  ADD COLUMN IF NOT EXISTS created_at DateTime64(6, 'UTC') DEFAULT decided_at,
  ADD COLUMN IF NOT EXISTS updated_at DateTime64(6, 'UTC') DEFAULT decided_at,
  ADD COLUMN IF NOT EXISTS is_deleted UInt8 DEFAULT 0;
