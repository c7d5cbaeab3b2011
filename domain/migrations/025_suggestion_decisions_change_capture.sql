-- Decisions on price suggestions reach ClickHouse with the scheduled ingest, in commit order like the booking
-- system's tables (004_change_capture.sql), so acceptance per model version and manager is as fresh as the last
-- ingest and decisions become the next price model's labels without anyone running a copy. Decisions refuse
-- updates and deletes (021_price_suggestions.sql), so like audit_log (013) the column default is all there is.
ALTER TABLE suggestion_decisions ADD COLUMN change_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
CREATE INDEX suggestion_decisions_change ON suggestion_decisions (change_xid, id);
