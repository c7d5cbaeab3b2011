-- The ingest copies audit_log to ClickHouse like the booking system's tables, in commit order
-- (004_change_capture.sql): change_xid is the transaction that appended the row. The log refuses updates and
-- deletes, so it needs neither the update stamp nor a deletion trigger; the column default is all there is.
ALTER TABLE audit_log ADD COLUMN change_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
CREATE INDEX audit_log_change ON audit_log (change_xid, id);
