-- Two changes the ingest could not see (issue #23), closed for every table it copies:
-- * TRUNCATE fires no row trigger, so it left no tombstone and the warehouse kept every row for good. It is refused;
--   DELETE leaves a tombstone per row, which the ingest copies as a deletion.
-- * Tables given change capture by capture_changes() (005) had no key-change trigger: an update of the key left the
--   old key live in ClickHouse. capture_changes() now adds it, and the tables it already served get it here.
-- Triggers are created with CREATE OR REPLACE, so a table that has one already keeps one.

CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'TRUNCATE of % would never reach the warehouse: DELETE the rows instead, which the ingest copies as deletions', TG_TABLE_NAME
    USING ERRCODE = 'feature_not_supported';
END $$;

-- The key-change tombstone (as 004 gives the booking system's tables) and the TRUNCATE refusal, for a table keyed by `key`.
CREATE FUNCTION guard_change_capture(t text, key text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER UPDATE ON %I FOR EACH ROW WHEN ((%s) IS DISTINCT FROM (%s)) EXECUTE FUNCTION record_deletion()',
                 t || '_key_change', t,
                 (SELECT string_agg('OLD.' || quote_ident(k), ', ') FROM unnest(key) k),
                 (SELECT string_agg('NEW.' || quote_ident(k), ', ') FROM unnest(key) k));
  EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()', t || '_no_truncate', t);
END $$;

CREATE OR REPLACE FUNCTION capture_changes(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I ADD COLUMN change_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint', t);
  EXECUTE format('CREATE INDEX %I ON %I (change_xid, id)', t || '_change', t);
  EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION stamp_change_xid()', t || '_change_xid', t);
  EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_deletion()', t || '_deletion', t);
  PERFORM guard_change_capture(t, ARRAY['id']);
END $$;

SELECT guard_change_capture(name, key) FROM (VALUES
  ('destinations', ARRAY['id']), ('itineraries', ARRAY['id']), ('itinerary_components', ARRAY['id']),
  ('departures', ARRAY['id']), ('customers', ARRAY['id']), ('customer_group_profiles', ARRAY['customer_id']),
  ('quotations', ARRAY['id']), ('quotation_versions', ARRAY['quotation_id', 'version']), ('bookings', ARRAY['id']),
  ('booking_status_history', ARRAY['id']), ('payments', ARRAY['id']), ('ratings', ARRAY['id']),
  ('imports', ARRAY['id']), ('import_rejects', ARRAY['id'])
) AS v(name, key);

-- The tombstones themselves: truncated before they are copied, the deletions they stand for would be lost.
CREATE TRIGGER ingest_deletions_no_truncate BEFORE TRUNCATE ON ingest_deletions FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
