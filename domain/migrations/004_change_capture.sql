-- Change capture for the ingest into ClickHouse, in commit order rather than by updated_at (issue #23).
-- updated_at is a wall clock that writers may set and that an insert takes from its transaction's start, so a
-- watermark on it skipped rows committed late or back-dated. Instead every ingested row carries change_xid: the
-- id of the transaction that last inserted or updated it. Every transaction below the snapshot horizon
-- (pg_snapshot_xmin(pg_current_snapshot())) has ended, so the ingest reads change_xid up to that horizon and
-- resumes from it: nothing in flight is passed over, whatever the clocks say.
-- change_xid is the 64-bit xid8 held as bigint (it never wraps and stays far below 2^63): an integer that any
-- reader compares as a number, ClickHouse's postgresql() included, and that its conditions can use the index with.
-- Inserts take change_xid from the column default, not a trigger: a BEFORE INSERT row trigger would cost the
-- generator's COPY its multi-row batching. Updates are stamped by a trigger, whatever value the writer sets.
-- Deletes leave a tombstone (the whole old row) in ingest_deletions, which the ingest copies as is_deleted rows.

CREATE FUNCTION stamp_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END $$;

CREATE TABLE ingest_deletions (
  table_name  text NOT NULL,
  change_xid  bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
  -- The row as it was: the ingest needs its key and the columns ClickHouse partitions by (created_at).
  old_row     jsonb NOT NULL,
  -- When the row was deleted; tombstones are never updated, updated_at only keeps the convention of every table.
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ingest_deletions_change ON ingest_deletions (table_name, change_xid);

CREATE FUNCTION record_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ingest_deletions (table_name, old_row) VALUES (TG_TABLE_NAME, to_jsonb(OLD));
  RETURN NULL;
END $$;

-- booking_status_history and quotation_versions had no updated_at trigger: their updates kept the old time.
CREATE TRIGGER booking_status_history_updated_at BEFORE UPDATE ON booking_status_history FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER quotation_versions_updated_at BEFORE UPDATE ON quotation_versions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('destinations', ARRAY['id']), ('itineraries', ARRAY['id']), ('itinerary_components', ARRAY['id']),
    ('departures', ARRAY['id']), ('customers', ARRAY['id']), ('customer_group_profiles', ARRAY['customer_id']),
    ('quotations', ARRAY['id']), ('quotation_versions', ARRAY['quotation_id', 'version']), ('bookings', ARRAY['id']),
    ('booking_status_history', ARRAY['id']), ('payments', ARRAY['id']), ('ratings', ARRAY['id'])
  ) AS v(name, key) LOOP
    -- Existing rows get this migration's transaction id: committed, so the next ingest sees them all.
    EXECUTE format('ALTER TABLE %I ADD COLUMN change_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint', t.name);
    EXECUTE format('CREATE INDEX %I ON %I (change_xid, %s)', t.name || '_change', t.name,
                   (SELECT string_agg(quote_ident(k), ', ') FROM unnest(t.key) k));
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION stamp_change_xid()', t.name || '_change_xid', t.name);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_deletion()', t.name || '_deletion', t.name);
    -- An update that changes the key leaves the old key behind in ClickHouse unless it is deleted there too.
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I FOR EACH ROW WHEN ((%s) IS DISTINCT FROM (%s)) EXECUTE FUNCTION record_deletion()',
                   t.name || '_key_change', t.name,
                   (SELECT string_agg('OLD.' || quote_ident(k), ', ') FROM unnest(t.key) k),
                   (SELECT string_agg('NEW.' || quote_ident(k), ', ') FROM unnest(t.key) k));
  END LOOP;
END $$;
