-- Conversations are copied to ClickHouse for analysts by the ingest, in commit order like the booking system's
-- tables (004_change_capture.sql). Messages purged past their retention leave tombstones, so the warehouse drops
-- them too (and its own TTL removes what the tombstones leave behind).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['chat_sessions', 'chat_messages'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN change_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint', t);
    EXECUTE format('CREATE INDEX %I ON %I (change_xid, id)', t || '_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION stamp_change_xid()', t || '_change_xid', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_deletion()', t || '_deletion', t);
  END LOOP;
END $$;
