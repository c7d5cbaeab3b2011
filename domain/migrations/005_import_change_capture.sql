-- Imports and their rejected rows are part of the booking system's record: the ingest copies them to ClickHouse
-- (issue #25) in commit order like the other tables (004_change_capture.sql). Rejects are rewritten only by an
-- erasure of personal data; imports change status as they run.
-- capture_changes(table) gives a table keyed by `id` what 004 gives the booking system's tables: change_xid,
-- its index, the update stamp and the deletion tombstone. Later tables the ingest copies call it too.

CREATE FUNCTION capture_changes(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I ADD COLUMN change_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint', t);
  EXECUTE format('CREATE INDEX %I ON %I (change_xid, id)', t || '_change', t);
  EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION stamp_change_xid()', t || '_change_xid', t);
  EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_deletion()', t || '_deletion', t);
END $$;

SELECT capture_changes('imports');
SELECT capture_changes('import_rejects');
