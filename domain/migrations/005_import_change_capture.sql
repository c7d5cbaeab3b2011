-- Imports and their rejected rows are part of the booking system's record: the ingest copies them to ClickHouse
-- (issue #25) in commit order like the other tables (004_change_capture.sql). Rejects are rewritten only by an
-- erasure of personal data; imports change status as they run.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['imports', 'import_rejects'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN change_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint', t);
    EXECUTE format('CREATE INDEX %I ON %I (change_xid, id)', t || '_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION stamp_change_xid()', t || '_change_xid', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_deletion()', t || '_deletion', t);
  END LOOP;
END $$;
